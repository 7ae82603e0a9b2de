{{ config(materialized='table') }}
{#- One row per clean order, with the attributes of its customer. -#}
select
    o.order_id,
    o.customer_id,
    o.order_ts,
    o.order_date,
    o.amount,
    o.category,
    o.status,
    c.customer_name,
    c.country as customer_country,
    c.signup_date as customer_signup_date
from {{ ref('stg_orders') }} as o
left join {{ ref('stg_customers') }} as c
    on c.customer_id = o.customer_id
