{#- accepted_values whose list is read from a code-table seed, so a closed list is written
    once: in the seed that the row checks, the models and the exports read too. `seed_filter`
    picks the list's rows (code_lists holds several lists). Fails with each value that is not
    in the list and how often it occurs. -#}
{% test accepted_values_from_seed(model, column_name, seed, seed_column, seed_filter=none) %}

with

allowed as (

    select {{ seed_column }} as value
    from {{ ref(seed) }}
    {% if seed_filter %}where {{ seed_filter }}{% endif %}

),

found as (

    select
        {{ column_name }} as value,
        count(*) as occurrences
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}

)

select found.*
from found
where found.value not in (select allowed.value from allowed)

{% endtest %}
