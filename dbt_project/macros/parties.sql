{#- How parties are named and keyed: one place for the rules of domain.md §10 and §12. -#}

{#- An organisation's name as compared (domain.md §10): half-width brackets, no spaces, and
    有限责任公司 written 有限公司, as people type either. -#}
{% macro organization_name(name) -%}
    nullif(regexp_replace(regexp_replace(translate({{ name }}, '（）【】', '()[]'),
        '\s+', '', 'g'), '有限责任公司$', '有限公司'), '')
{%- endmacro %}

{#- The key of one way of writing a party (name, division, code): what resolution maps. -#}
{% macro mention_id(name, division, uscc) -%}
    md5(concat_ws('|', {{ organization_name(name) }}, coalesce({{ division }}, ''),
        coalesce({{ uscc }}, '')))
{%- endmacro %}

{#- A person, by keyed hash of a normalised identifier (domain.md §12): never in clear. -#}
{% macro person_key(identifier) -%}
    private.person_key(upper(regexp_replace({{ identifier }}, '\s+', '', 'g')))
{%- endmacro %}

{#- A patent party with no code whose name reads as a person's, not a body's (rule of this
    deployment: feeds name persons without saying so; bodies carry one of these words). -#}
{% macro is_person_name(name, uscc) -%}
    ({{ uscc }} is null and {{ name }} !~ '(公司|大学|学院|学校|研究|医院|中心|[所厂站局社会院部]$|集团|银行|委员会|政府|Inc|Ltd|LLC|Co\.|GmbH|University|Institute)')
{%- endmacro %}

{#- Where a division is, relative to the deployment's city. -#}
{% macro is_in_city(division) -%}
    coalesce(left({{ division }}, 4) = left('{{ var("region") }}', 4), false)
{%- endmacro %}

{% macro county_in_city(division) -%}
    case when left({{ division }}, 4) = left('{{ var("region") }}', 4)
         and right({{ division }}, 2) <> '00' then {{ division }} end
{%- endmacro %}

{#- A comma-, semicolon- or 、-separated list cell as an array of trimmed, distinct items.
    Patent lists arrive canonical and `;`-joined from the loader. -#}
{% macro list_items(cell) -%}
    array(select distinct trim(item) from unnest(regexp_split_to_array({{ cell }}, '[;；,、]'))
          as item where trim(item) <> '' order by 1)
{%- endmacro %}

{#- A party of a JSON Lines record ({name, uscc, region_code}) as columns `<prefix>_name`,
    `_uscc`, `_division`, `_person_key`: a person's name never leaves as text. -#}
{% macro party_fields(party, prefix) -%}
    {%- set name = party ~ "->>'name'" -%}
    {%- set uscc = party ~ "->>'uscc'" -%}
    case when not {{ is_person_name(name, uscc) }} then {{ name }} end as {{ prefix }}_name,
        nullif({{ uscc }}, '') as {{ prefix }}_uscc,
        nullif({{ party }}->>'region_code', '') as {{ prefix }}_division,
        case when {{ is_person_name(name, uscc) }} then {{ person_key(name) }} end
            as {{ prefix }}_person_key
{%- endmacro %}
