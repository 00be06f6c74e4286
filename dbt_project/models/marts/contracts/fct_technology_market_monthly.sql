-- The technology market by month of original registration × reporting type × technology
-- field × seller county × seller group × technology flow. A contract counts in its
-- registration month unless its 注销 took effect by that month's last day (provincial-feed.md).

with

contracts as (

    select * from {{ ref('fct_technology_contract') }}

),

counted as (

    select *
    from contracts
    where cancelled_on is null
        or cancelled_on > (registration_month + interval '1 month - 1 day')::date

),

final as (

    select
        registration_month,
        to_char(registration_month, 'YYYYMM') as month_key,
        reporting_type,
        technology_field,
        seller_county_code,
        seller_group,
        technology_flow,
        count(*)::integer as contract_count,
        sum(contract_amount) as contract_amount,
        sum(technology_amount) as technology_amount,
        count(*) filter (where is_output)::integer as output_contract_count,
        count(*) filter (where is_absorbed)::integer as absorbed_contract_count,
        coalesce(sum(technology_amount) filter (where is_absorbed), 0)
            as absorbed_technology_amount
    from counted
    group by
        registration_month, reporting_type, technology_field, seller_county_code,
        seller_group, technology_flow

)

select * from final
