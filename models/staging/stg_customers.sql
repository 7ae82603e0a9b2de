{{ config(materialized='view') }}
{#- One row per customer, ids upper-cased and trimmed so they match stg_orders.customer_id. -#}
select
    upper(trim(customer_id)) as customer_id,
    trim(name) as customer_name,
    nullif(lower(trim(email)), '') as email,
    nullif(upper(trim(country)), '') as country,
    cast(nullif(trim(signup_date), '') as date) as signup_date
from {{ ref('raw_customers') }}
where nullif(trim(customer_id), '') is not null
