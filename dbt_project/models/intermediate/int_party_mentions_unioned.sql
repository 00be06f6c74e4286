-- Every way an organisation is written in the feeds (name, division, code), with where and
-- when it was seen. Persons are not organisations and are left out.

with

contracts as (

    select * from {{ ref('stg_contracts__registration_actions') }}

),

loans as (

    select * from {{ ref('stg_loans__loan_snapshots') }}

),

applicants as (

    select * from {{ ref('int_patent_applicants_classified') }}

),

event_parties as (

    select * from {{ ref('int_patent_event_parties_deduplicated') }}

),

mentions as (

    select
        'contracts' as source_feed,
        seller_name as name,
        seller_uscc as uscc,
        seller_division as division,
        seller_nature as nature_code,
        registration_date as seen_on
    from contracts
    where seller_name is not null
    union all
    select
        'contracts' as source_feed,
        buyer_name as name,
        buyer_uscc as uscc,
        buyer_division as division,
        buyer_nature as nature_code,
        registration_date as seen_on
    from contracts
    where buyer_name is not null
    union all
    select
        'loans' as source_feed,
        borrower_name as name,
        borrower_uscc as uscc,
        borrower_division as division,
        null as nature_code,
        min(business_date) as seen_on
    from loans
    where borrower_name is not null
    group by borrower_name, borrower_uscc, borrower_division
    union all
    select
        'patents' as source_feed,
        applicant_name as name,
        applicant_uscc as uscc,
        applicant_division as division,
        null as nature_code,
        min(updated_at)::date as seen_on
    from applicants
    where applicant_name is not null
    group by applicant_name, applicant_uscc, applicant_division
    union all
    select
        'patent_events' as source_feed,
        party_name as name,
        party_uscc as uscc,
        party_division as division,
        null as nature_code,
        min(effective_date) as seen_on
    from event_parties
    where party_name is not null
    group by party_name, party_uscc, party_division

),

final as (

    select
        {{ mention_id('name', 'division', 'uscc') }} as mention_id,
        source_feed,
        name,
        {{ organization_name('name') }} as normalised_name,
        uscc,
        division,
        nature_code,
        seen_on
    from mentions

)

select * from final
