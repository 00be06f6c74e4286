-- What the steward must decide (domain.md §10): one code written with two different names,
-- and one name (within a division) carrying two codes.

with

mentions as (

    select * from {{ ref('int_party_mentions_unioned') }}

),

code_with_many_names as (

    select
        'code_with_many_names' as conflict_type,
        uscc as conflict_on,
        array_agg(distinct normalised_name order by normalised_name) as variants,
        count(*) as mention_count,
        min(seen_on) as first_seen_on,
        max(seen_on) as last_seen_on
    from mentions
    where uscc is not null
    group by uscc
    having count(distinct normalised_name) > 1

),

name_with_many_codes as (

    select
        'name_with_many_codes' as conflict_type,
        coalesce(division, '') || ':' || normalised_name as conflict_on,
        array_agg(distinct uscc order by uscc) as variants,
        count(*) as mention_count,
        min(seen_on) as first_seen_on,
        max(seen_on) as last_seen_on
    from mentions
    where uscc is not null
    group by division, normalised_name
    having count(distinct uscc) > 1

)

select * from code_with_many_names
union all
select * from name_with_many_codes
