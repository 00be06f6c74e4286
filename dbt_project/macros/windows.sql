{#- domain.md §11: financing counts for a chain when it happens on the day of the transfer or
    within var financing_window_days after it. -#}
{% macro within_financing_window(day, transfer_date) -%}
    {{ day }} between {{ transfer_date }} and {{ transfer_date }} + {{ var('financing_window_days') }}
{%- endmacro %}
