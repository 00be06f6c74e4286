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

    select * from {{ ref('stg_patents__applicants') }}

),

event_parties as (

    select * from {{ ref('stg_patents__event_parties') }}

),

mentions as (

    select 'contracts' as source_feed, seller_name as name, seller_uscc as uscc,
           seller_division as division, seller_nature as nature_code,
           registration_date as seen_on
    from contracts where seller_name is not null
    union all
    select 'contracts', buyer_name, buyer_uscc, buyer_division, buyer_nature, registration_date
    from contracts where buyer_name is not null
    union all
    select 'loans', borrower_name, borrower_uscc, borrower_division, null, min(business_date)
    from loans where borrower_name is not null
    group by borrower_name, borrower_uscc, borrower_division
    union all
    select 'patents', applicant_name, applicant_uscc, applicant_division, null,
           min(updated_at)::date
    from applicants where applicant_name is not null
    group by applicant_name, applicant_uscc, applicant_division
    union all
    select 'patent_events', party_name, party_uscc, party_division, null, min(effective_date)
    from event_parties where party_name is not null
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
