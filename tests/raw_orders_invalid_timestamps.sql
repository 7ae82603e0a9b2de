{{ config(severity='warn', meta={'message': 'order_ts has invalid timestamps'}) }}
{#- Raw order rows whose order_ts is not a valid timestamp (stg_orders drops them). A warning:
    the raw layer is expected to be messy; the staging tests are the gate. -#}
select order_id, order_ts
from {{ ref('raw_orders') }}
where {{ safe_timestamp('trim(order_ts)') }} is null
