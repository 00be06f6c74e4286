-- Which organisation each way of writing a party denotes (domain.md §10): its USCC where it
-- has one; else the one code seen with the same normalised name in the same division (or,
-- where the division is unknown or no code was seen there, with that name anywhere); else
-- the name within its division. A name seen with two codes is not guessed: it stays
-- unresolved here and is listed for the steward (steward_organization_conflicts).

with

mentions as (

    select distinct
        mention_id,
        normalised_name,
        uscc,
        division
    from {{ ref('int_party_mentions_unioned') }}

),

codes_by_name_and_division as (

    select
        normalised_name,
        division,
        count(distinct uscc) as code_count,
        min(uscc) as only_code
    from mentions
    where uscc is not null and division is not null
    group by normalised_name, division

),

codes_by_name as (

    select
        normalised_name,
        count(distinct uscc) as code_count,
        min(uscc) as only_code
    from mentions
    where uscc is not null
    group by normalised_name

),

resolved as (

    select
        m.mention_id,
        m.normalised_name,
        m.division,
        m.uscc,
        case
            when m.uscc is not null then m.uscc
            when in_division.code_count = 1 then in_division.only_code
            when in_division.code_count is null and anywhere.code_count = 1
                then anywhere.only_code
        end as resolved_code,
        coalesce(in_division.code_count, anywhere.code_count, 0) as candidate_codes
    from mentions as m
    left join codes_by_name_and_division as in_division
        on in_division.normalised_name = m.normalised_name
        and in_division.division = m.division
    left join codes_by_name as anywhere on anywhere.normalised_name = m.normalised_name

),

final as (

    select
        mention_id,
        normalised_name,
        division,
        uscc,
        coalesce(resolved_code, 'name:' || coalesce(division, '') || ':' || normalised_name)
            as organization_key,
        case
            when uscc is not null then 'code'
            when resolved_code is not null then 'name_matched_code'
            when candidate_codes > 1 then 'ambiguous_name'
            else 'name'
        end as resolved_by
    from resolved

)

select * from final
