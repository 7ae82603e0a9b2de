{#-
  safe_timestamp(col): the timestamp written in the text column `col`, or null when it is not one.

  Only text of the exact shape 'YYYY-MM-DD HH:MM:SS' (or with a 'T' between date and time) whose
  month, day (for that month), hour, minute and second are valid is cast; everything else
  ('not a date', '', '2025-13-45 10:00:00', '2025-11-31 08:15:00') gives null, never an error.

  DuckDB has try_strptime, which returns null on an impossible date. PostgreSQL has no "try"
  cast, so the parts are checked first, with nested CASEs (PostgreSQL does not promise to
  evaluate AND operands in order, CASE it does); a plain cast to timestamp (no time zone
  involved) then only ever sees valid text.
-#}
{% macro safe_timestamp(col) -%}
{%- set pattern = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}$'" -%}
{%- if target.type == 'postgres' -%}
case when {{ col }} ~ {{ pattern }} then
    case when substr({{ col }}, 6, 2)::int between 1 and 12 then
        case when substr({{ col }}, 9, 2)::int between 1 and extract(day from
                  make_date(substr({{ col }}, 1, 4)::int, substr({{ col }}, 6, 2)::int, 1)
                  + interval '1 month' - interval '1 day')
              and substr({{ col }}, 12, 2)::int < 24
              and substr({{ col }}, 15, 2)::int < 60
              and substr({{ col }}, 18, 2)::int < 60
        then cast(replace({{ col }}, 'T', ' ') as timestamp)
        end
    end
end
{%- else -%}
case when regexp_full_match({{ col }}, {{ pattern }})
    then try_strptime(replace({{ col }}, 'T', ' '), '%Y-%m-%d %H:%M:%S')
end
{%- endif -%}
{%- endmacro %}
