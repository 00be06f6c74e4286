-- One row per registered technology contract, in its current state.
-- Natural persons (性质 400) appear by keyed hash only; organisations by their key.

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

organizations as (

    select * from {{ ref('int_organizations_resolved') }}

),

flows as (

    select * from {{ ref('technology_flows') }}

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
        c.related_patent_nos,
        c.signing_date,
        c.valid_from,
        c.valid_to,
        c.seller_name,
        c.seller_uscc,
        so.organization_key as seller_organization_key,
        c.seller_person_key,
        c.seller_nature,
        sn.reporting_group as seller_group,
        c.seller_division,
        {{ county_in_city('c.seller_division') }} as seller_county_code,
        sd.division_name as seller_division_name,
        c.buyer_name,
        c.buyer_uscc,
        bo.organization_key as buyer_organization_key,
        c.buyer_person_key,
        c.buyer_nature,
        bn.reporting_group as buyer_group,
        c.buyer_country,
        c.buyer_division,
        f.technology_flow,
        {{ is_in_city('c.seller_division') }} as is_output,
        {{ is_in_city('c.buyer_division') }} as is_absorbed,
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
    -- the stretch of the code when the contract was registered (stretches never overlap)
    left join divisions as sd
        on sd.division_code = c.seller_division
        and extract(year from c.original_registration_date)
        between coalesce(sd.valid_from, 0) and coalesce(sd.valid_to, 9999)
    left join flows as f
        on f.buyer_scope = {{ buyer_scope('c.buyer_country', 'c.buyer_division') }}
    left join organizations as so
        on so.mention_id
        = {{ mention_id('c.seller_name', 'c.seller_division', 'c.seller_uscc') }}
    left join
        organizations as bo on bo.mention_id
    = {{ mention_id('c.buyer_name', 'c.buyer_division', 'c.buyer_uscc') }}

)

select * from final
