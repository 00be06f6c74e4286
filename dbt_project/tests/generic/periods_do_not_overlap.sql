{#- The dated rows of one key (a division code valid over years) never overlap, so "the row
    valid in year Y" is at most one row. An open end (null) is the lists' first or the
    current year. Fails with each pair of overlapping rows. -#}
{% test periods_do_not_overlap(model, column_name, valid_from, valid_to) %}

with

periods as (

    select
        {{ column_name }} as key_value,
        coalesce({{ valid_from }}, 0) as valid_from,
        coalesce({{ valid_to }}, 9999) as valid_to,
        row_number() over (
            partition by {{ column_name }} order by {{ valid_from }} nulls first
        ) as stretch
    from {{ model }}

)

select
    earlier.key_value,
    earlier.valid_from as earlier_from,
    later.valid_from as later_from
from periods as earlier
inner join periods as later
    on
        later.key_value = earlier.key_value
        and later.stretch > earlier.stretch
        and later.valid_from <= earlier.valid_to

{% endtest %}
