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
    `_uscc`, `_division`, and `_person_key` for a party without a code (it may be a person).
    Staging only: whether an uncoded party is a person is decided from the data by
    `patent_party_fields`, before any name goes further. -#}
{% macro party_fields(party, prefix) -%}
    {%- set name = party ~ "->>'name'" -%}
    {%- set uscc = "nullif(" ~ party ~ "->>'uscc', '')" -%}
    {{ name }} as {{ prefix }}_name,
        {{ uscc }} as {{ prefix }}_uscc,
        nullif({{ party }}->>'region_code', '') as {{ prefix }}_division,
        case when {{ uscc }} is null then {{ person_key(name) }} end as {{ prefix }}_person_key
{%- endmacro %}

{#- A patent party as the warehouse keeps it (domain.md §12): an organisation when it carries
    a code or its normalised name is a known organisation's (`known`: a join to
    int_organization_names_known, null when unknown); otherwise a person, by keyed hash only,
    never by name. The shape of a name decides nothing: 王会 is a person, Sony Corporation is
    not. -#}
{% macro patent_party_fields(relation, prefix, known) -%}
    {%- set is_organization -%}
        ({{ relation }}.{{ prefix }}_uscc is not null or {{ known }}.normalised_name is not null)
    {%- endset -%}
    case when {{ is_organization }} then {{ relation }}.{{ prefix }}_name end as {{ prefix }}_name,
        {{ relation }}.{{ prefix }}_uscc,
        {{ relation }}.{{ prefix }}_division,
        case when not {{ is_organization }} then {{ relation }}.{{ prefix }}_person_key end
            as {{ prefix }}_person_key
{%- endmacro %}
