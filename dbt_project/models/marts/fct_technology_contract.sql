-- One row per registered technology contract, in its current state.
-- Natural persons (性质 400) are private: their names never reach this table.

with

contracts as (

    select * from {{ ref('int_contracts_resolved_to_current') }}

),

contract_types as (

    select * from {{ ref('contract_types') }}

),

natures as (

    select * from {{ ref('party_natures') }}

),

divisions as (

    select * from {{ ref('divisions') }}

),

final as (

    select
        c.registration_no,
        c.original_registration_date,
        date_trunc('month', c.original_registration_date)::date as registration_month,
        c.project_name,
        c.contract_type,
        c.contract_subtype,
        t.reporting_type,
        c.technology_field,
        c.ip_type,
        c.signing_date,
        c.valid_from,
        c.valid_to,
        case when c.seller_nature = '400' then null else c.seller_name end as seller_name,
        c.seller_uscc,
        c.seller_nature,
        sn.reporting_group as seller_group,
        c.seller_division,
        case when sd.parent_code = '{{ var("region") }}' then c.seller_division end
            as seller_county_code,
        sd.division_name as seller_division_name,
        case when c.buyer_nature = '400' then null else c.buyer_name end as buyer_name,
        c.buyer_uscc,
        c.buyer_nature,
        bn.reporting_group as buyer_group,
        c.buyer_country,
        c.buyer_division,
        {{ technology_flow('c.buyer_country', 'c.buyer_division') }} as technology_flow,
        left(c.seller_division, 4) = left('{{ var("region") }}', 4) as is_output,
        coalesce(left(c.buyer_division, 4) = left('{{ var("region") }}', 4), false) as is_absorbed,
        c.contract_amount,
        c.technology_amount,
        c.plan_level,
        c.is_open_competition,
        c.amendment_count,
        c.last_amended_on,
        c.cancelled_on,
        c.cancelled_on is not null as is_cancelled
    from contracts as c
    left join contract_types as t
        on t.contract_type = c.contract_type and t.contract_subtype = c.contract_subtype
    left join natures as sn on sn.nature_code = c.seller_nature
    left join natures as bn on bn.nature_code = c.buyer_nature
    left join divisions as sd on sd.division_code = c.seller_division

)

select * from final
