{{ config(materialized='table') }}
{#- One row per customer, with lifetime order statistics (customers without orders have 0). -#}
with order_stats as (
    select
        customer_id,
        min(order_ts) as first_order_ts,
        max(order_ts) as last_order_ts,
        count(*) as lifetime_orders,
        sum(amount) as lifetime_revenue
    from {{ ref('fct_orders') }}
    group by customer_id
)

select
    c.customer_id,
    c.customer_name,
    c.email,
    c.country,
    c.signup_date,
    s.first_order_ts,
    s.last_order_ts,
    coalesce(s.lifetime_orders, 0) as lifetime_orders,
    cast(round(coalesce(s.lifetime_revenue, 0), 2) as numeric(12, 2)) as lifetime_revenue
from {{ ref('stg_customers') }} as c
left join order_stats as s
    on s.customer_id = c.customer_id
