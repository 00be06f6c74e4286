-- The parties of each legal event's latest delivery (int_patent_events_deduplicated): one
-- row per party and role, never twice for a repeated event; a party without a code is a
-- person unless its name is a known organisation's (macro patent_party_fields).

with

events as (

    select * from {{ ref('int_patent_events_deduplicated') }}

),

event_parties as (

    select * from {{ ref('stg_patents__event_parties') }}

),

known as (

    select * from {{ ref('int_organization_names_known') }}

),

final as (

    select
        parties.batch_id,
        parties.row_no,
        parties.event_id,
        parties.application_no,
        parties.event_code,
        parties.effective_date,
        parties.party_role,
        parties.party_order,
        {{ patent_party_fields('parties', 'party', 'known') }}
    from events
    inner join event_parties as parties
        on parties.batch_id = events.batch_id and parties.row_no = events.row_no
    left join known on known.normalised_name = {{ organization_name('parties.party_name') }}

)

select * from final
