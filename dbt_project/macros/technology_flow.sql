{#- 技术流向: where the buyer is, relative to the deployment's city (provincial-feed.md). -#}
{% macro technology_flow(country, division) -%}
    case
        when {{ country }} in ('HK', 'MO', 'TW') then '港澳台'
        when {{ country }} <> 'CN' then '国外'
        when left({{ division }}, 4) = left('{{ var("region") }}', 4) then '本市'
        when left({{ division }}, 2) = left('{{ var("region") }}', 2) then '省内其他市州'
        else '外省（区、市）'
    end
{%- endmacro %}
