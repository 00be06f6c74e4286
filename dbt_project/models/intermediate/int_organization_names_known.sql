-- The normalised names known to be organisations': every name a party carries together with
-- a code (contracts of a non-person nature, enterprise borrowers, coded patent parties), and
-- the steward's list of organisations that never carry a Chinese code (known_organizations:
-- foreign firms, state bodies in old records). A patent party without a code is a person
-- unless its name is here (domain.md §12): the shape of a name decides nothing.

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

listed as (

    select * from {{ ref('known_organizations') }}

),

names as (

    -- names written together with a code (a buyer abroad named like a person, without a
    -- code, must not make every uncoded applicant of that name an organisation)
    select seller_name as name from contracts
    where seller_uscc is not null
    union all
    select buyer_name as name from contracts
    where buyer_uscc is not null
    union all
    select borrower_name as name from loans
    where borrower_uscc is not null
    union all
    select applicant_name as name from applicants
    where applicant_uscc is not null
    union all
    select party_name as name from event_parties
    where party_uscc is not null
    union all
    select organization_name as name from listed

),

final as (

    select distinct {{ organization_name('name') }} as normalised_name
    from names
    where {{ organization_name('name') }} is not null

)

select * from final
