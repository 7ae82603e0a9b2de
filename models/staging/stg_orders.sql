{{ config(materialized='view') }}
{#-
  One row per order: rows without a parseable timestamp, with a missing or negative amount, or
  without an order / customer id are dropped; of an order's remaining versions the latest
  (by updated_at) wins, so re-deliveries and updates collapse to one row.
-#}
with valid_rows as (
    select *
    from {{ ref('int_orders_cast') }}
    where order_id is not null
      and customer_id is not null
      and order_ts is not null
      and amount is not null
      and amount >= 0
),

versions as (
    select
        *,
        -- status and amount break ties between exact re-deliveries deterministically
        row_number() over (
            partition by order_id
            order by updated_at desc nulls last, status, amount
        ) as version_rank
    from valid_rows
)

select
    order_id,
    customer_id,
    order_ts,
    cast(order_ts as date) as order_date,
    amount,
    category,
    status,
    updated_at
from versions
where version_rank = 1
