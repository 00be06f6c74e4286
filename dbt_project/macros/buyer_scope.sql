{#- Where the buyer is, relative to the deployment's city: the key of `technology_flows`,
    the seed that names each scope's 技术流向 (provincial-feed.md, table 6). -#}
{% macro buyer_scope(country, division) -%}
    case
        when {{ country }} in ('HK', 'MO', 'TW') then 'hk_mo_tw'
        when {{ country }} <> 'CN' then 'abroad'
        when left({{ division }}, 4) = left('{{ var("region") }}', 4) then 'city'
        when left({{ division }}, 2) = left('{{ var("region") }}', 2) then 'province'
        else 'mainland'
    end
{%- endmacro %}
