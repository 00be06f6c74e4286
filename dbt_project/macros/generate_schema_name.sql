{#- Layers live in schemas named as configured (staging, intermediate, marts, reference),
    not prefixed by the target schema: analysts and grants address them by these names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
