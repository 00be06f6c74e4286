{#- Row security of a mart with a county (docs/security.md): the city's roles see every row,
    a county analyst the rows where any of `columns` is its county (access.county_login).
    Run after each build, as dbt recreates the table. -#}
{% macro county_rows(columns) -%}
    alter table {{ this }} enable row level security;
    drop policy if exists whole_city on {{ this }};
    create policy whole_city on {{ this }} for select to analyst, exporter, steward using (true);
    drop policy if exists own_county on {{ this }};
    create policy own_county on {{ this }} for select to county_analyst using (
        {%- for column in columns %}
        {{ column }} in (select county_code from access.county_login
                         where login_name = current_user){% if not loop.last %} or{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
