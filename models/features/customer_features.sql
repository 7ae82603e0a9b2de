{{ config(materialized='table') }}
{#-
  Point-in-time customer features, one row per (customer_id, feature_time).

  feature_time is a weekly grid: every Monday (00:00) from the Monday after the first order's
  week to the Monday after the last order's week. A customer gets a row for every grid Monday
  after their first order.

  The point-in-time rule: a row uses ONLY orders with order_ts strictly before feature_time
  (the join condition below), so a model trained on the row at feature_time never sees the
  future. Window widths come from vars (project.yml): order_windows_days, revenue_windows_days.
-#}
{%- set order_windows = var('order_windows_days', [7, 30]) -%}
{%- set revenue_windows = var('revenue_windows_days', [30]) %}
with orders as (
    select customer_id, order_ts, amount
    from {{ ref('fct_orders') }}
),

grid_bounds as (
    select
        date_trunc('week', min(order_ts)) + interval '7 days' as first_feature_time,
        date_trunc('week', max(order_ts)) + interval '7 days' as last_feature_time
    from orders
),

feature_times as (
    select cast(g.feature_time as timestamp) as feature_time
    from grid_bounds as b,
        generate_series(b.first_feature_time, b.last_feature_time, interval '7 days') as g(feature_time)
),

customers as (
    select customer_id, min(order_ts) as first_order_ts
    from orders
    group by customer_id
),

spine as (
    select c.customer_id, t.feature_time
    from customers as c
    inner join feature_times as t
        on t.feature_time > c.first_order_ts
)

select
    s.customer_id,
    cast(s.feature_time as date) as feature_time,
{%- for days in order_windows %}
    count(case when o.order_ts >= s.feature_time - interval '{{ days }} days' then 1 end) as orders_{{ days }}d,
{%- endfor %}
{%- for days in revenue_windows %}
    cast(round(coalesce(sum(
        case when o.order_ts >= s.feature_time - interval '{{ days }} days' then o.amount end
    ), 0), 2) as numeric(12, 2)) as revenue_{{ days }}d,
{%- endfor %}
    {{ days_between('max(o.order_ts)', 's.feature_time') }} as days_since_last_order
from spine as s
-- point in time: only orders strictly before feature_time
inner join orders as o
    on o.customer_id = s.customer_id
    and o.order_ts < s.feature_time
group by s.customer_id, s.feature_time
