{#-
  days_between(from_ts, to_ts): whole days from `from_ts` to `to_ts` (to_ts - from_ts), comparing calendar
  dates, so 2025-12-01 23:59 → 2025-12-02 00:01 is 1 day. Both arguments may be dates or
  timestamps. Returns an integer (int4) on both warehouses.
-#}
{% macro days_between(from_ts, to_ts) -%}
{%- if target.type == 'postgres' -%}
(cast({{ to_ts }} as date) - cast({{ from_ts }} as date))
{%- else -%}
cast(date_diff('day', cast({{ from_ts }} as date), cast({{ to_ts }} as date)) as integer)
{%- endif -%}
{%- endmacro %}
