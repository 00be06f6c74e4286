-- One row per transfer of one result to one receiving party (domain.md §11): the result's
-- output (a granted patent, or for know-how and software the contract itself), the transfer,
-- its adoption by an enterprise in the city, and financing of that adopter within the
-- financing window after the transfer (var financing_window_days: a tech loan it draws, a
-- loan pledging the patent, or a PE01 pledge). A chain's loans are summed, not listed: find
-- them with the window's end (financing_window_ends_on), as the analyst guide shows. A
-- transfer only a contract states keeps the date of the contract's 注销 (cancelled_on): it
-- counts in periods ending before that date.

with

transfers as (

    select * from {{ ref('int_transfers_deduplicated') }}

),

patents as (

    select * from {{ ref('dim_patent') }}

),

organizations as (

    select * from {{ ref('dim_organization') }}

),

loans as (

    select * from {{ ref('int_loans_resolved_to_current') }}

),

event_parties as (

    select * from {{ ref('int_patent_event_parties_deduplicated') }}

),

resolved as (

    select * from {{ ref('int_organizations_resolved') }}

),

transferred_patents as (

    -- an inner join, apart: in the chain's left join, the transfers a contract alone states
    -- (no application number) all hash alike, and at national scale PostgreSQL split that
    -- hash table into 262,144 batches trying to part them (190 s, 7 GB of memory)
    select
        t.transfer_id,
        p.owner_organization_key,
        p.technology_field,
        p.application_date,
        p.grant_date
    from transfers as t
    inner join patents as p on p.application_no = t.application_no

),

chains as (

    select
        t.transfer_id as chain_id,
        case when t.application_no is null then 'contract' else 'patent' end as chain_origin,
        t.application_no,
        coalesce(p.owner_organization_key, t.from_organization_key) as owner_organization_key,
        t.from_organization_key,
        coalesce(p.technology_field, t.technology_field) as technology_field,
        p.application_date as filed_on,
        case when t.application_no is null then t.transfer_date else p.grant_date end
            as output_date,
        t.transfer_kind,
        t.stated_by,
        t.event_id,
        t.registration_no,
        t.transfer_date,
        t.cancelled_on,
        t.contract_amount as transfer_amount,
        t.technology_amount as transfer_technology_amount,
        t.to_organization_key as adopter_organization_key,
        t.to_person_key as adopter_person_key,
        coalesce(adopter.is_enterprise and adopter.is_in_city, false) as is_adopted
    from transfers as t
    left join transferred_patents as p on p.transfer_id = t.transfer_id
    left join organizations as adopter on adopter.organization_key = t.to_organization_key

),

pledged_patents as (

    select * from {{ ref('int_loan_pledges_unnested') }}

),

adopter_windows as (

    select
        chain_id as window_id,
        adopter_organization_key as borrower_key,
        transfer_date as starts_on,
        {{ financing_window_end('transfer_date') }} as ends_on
    from chains
    where is_adopted

),

borrowers as (

    select
        loan_key,
        borrower_uscc as borrower_key,
        disbursed_on,
        principal
    from loans

),

adopter_loans as (

    -- the adopter's own loans in each window, summed without pairing them (macro's note)
    {{ loans_within_windows('adopter_windows', 'borrowers') }}

),

pledge_only_loans as (

    -- loans pledging the patent that another party drew: the adopter's are counted above
    select distinct
        c.chain_id,
        l.loan_key,
        l.disbursed_on,
        l.principal
    from chains as c
    inner join pledged_patents as p on p.application_no = c.application_no
    inner join loans as l
        on l.loan_key = p.loan_key
        and {{ within_financing_window('l.disbursed_on', 'c.transfer_date') }}
    where c.is_adopted and l.borrower_uscc is distinct from c.adopter_organization_key

),

pledges as (

    select
        c.chain_id,
        min(ep.effective_date) as first_pledged_on,
        count(*) as pledge_count
    from chains as c
    inner join event_parties as ep
        on ep.application_no = c.application_no
        and ep.event_code = 'PE01'
        and ep.party_role = 'pledgor'
        and {{ within_financing_window('ep.effective_date', 'c.transfer_date') }}
    inner join resolved as r
        on r.mention_id = {{ mention_id('ep.party_name', 'ep.party_division', 'ep.party_uscc') }}
        and r.organization_key = c.adopter_organization_key
    where c.is_adopted
    group by c.chain_id

),

loan_totals as (

    select
        chain_id,
        min(first_loan_on) as first_loan_on,
        sum(principal) as financed_amount,
        sum(loan_count) as loan_count
    from (
        select
            window_id as chain_id,
            first_loan_on,
            principal,
            loan_count
        from adopter_loans
        where loan_count > 0
        union all
        select
            chain_id,
            disbursed_on,
            principal,
            1 as loan_count
        from pledge_only_loans
    ) as financing
    group by chain_id

),

final as (

    select
        c.chain_id,
        c.chain_origin,
        c.application_no,
        c.owner_organization_key,
        o.owner_group,
        o.county_code as owner_county_code,
        c.from_organization_key,
        c.technology_field,
        c.filed_on,
        c.output_date,
        extract(year from c.output_date)::integer as output_year,
        c.transfer_kind,
        c.stated_by,
        c.event_id,
        c.registration_no,
        c.transfer_date,
        extract(year from c.transfer_date)::integer as transfer_year,
        c.cancelled_on,
        c.transfer_amount,
        c.transfer_technology_amount,
        c.adopter_organization_key,
        c.adopter_person_key,
        a.county_code as adopter_county_code,
        c.is_adopted,
        case when c.is_adopted then c.transfer_date end as adoption_date,
        least(lt.first_loan_on, pl.first_pledged_on) as financing_date,
        coalesce(lt.financed_amount, 0) as financed_amount,
        coalesce(lt.loan_count, 0)::integer as loan_count,
        {{ financing_window_end('c.transfer_date') }} as financing_window_ends_on,
        coalesce(pl.pledge_count, 0)::integer as pledge_count,
        (lt.chain_id is not null or pl.chain_id is not null) as is_financed,
        c.transfer_date - c.output_date as days_output_to_transfer,
        least(lt.first_loan_on, pl.first_pledged_on) - c.transfer_date
            as days_transfer_to_financing,
        case
            when lt.chain_id is not null or pl.chain_id is not null then '融资'
            when c.is_adopted then '落地'
            else '转移'
        end as stage_reached
    from chains as c
    left join organizations as o on o.organization_key = c.owner_organization_key
    left join organizations as a on a.organization_key = c.adopter_organization_key
    left join loan_totals as lt on lt.chain_id = c.chain_id
    left join pledges as pl on pl.chain_id = c.chain_id

)

select * from final
