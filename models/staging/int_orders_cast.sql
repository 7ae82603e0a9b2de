{{ config(materialized='ephemeral') }}
{#-
  Ephemeral: never built in the warehouse; injected as a CTE into stg_orders.
  One row per raw row (re-deliveries included). Every column is trimmed, normalised and cast;
  a value that cannot be cast becomes null here, and stg_orders decides which rows to keep.
-#}
select
    nullif(upper(trim(order_id)), '') as order_id,
    nullif(upper(trim(customer_id)), '') as customer_id,
    {{ safe_timestamp('trim(order_ts)') }} as order_ts,
    cast(nullif(trim(amount), '') as numeric(12, 2)) as amount,
    coalesce(nullif(lower(trim(category)), ''), 'unknown') as category,
    coalesce(nullif(lower(trim(status)), ''), 'unknown') as status,
    {{ safe_timestamp('trim(updated_at)') }} as updated_at
from {{ ref('raw_orders') }}
