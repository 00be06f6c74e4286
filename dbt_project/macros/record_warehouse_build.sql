{#- Record a whole-project `dbt build` or `dbt run` in audit.warehouse_build, with whether every
    node succeeded. A build of selected nodes (a retried Airflow node task) is not a build of
    the warehouse, so it is not recorded; nor is anything but build and run. -#}
{% macro record_warehouse_build(results) -%}
    {%- set command = flags.WHICH -%}
    {%- set selected = invocation_args_dict.get('select') or invocation_args_dict.get('models') -%}
    {%- if execute and command in ('build', 'run') and not selected -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error'])
                                 | list | length -%}
        insert into audit.warehouse_build (invocation_id, command, succeeded)
        values ('{{ invocation_id }}', '{{ command }}', {{ 'false' if failed else 'true' }})
        on conflict (invocation_id) do nothing
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
