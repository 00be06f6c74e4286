-- The parties of each legal event's latest delivery (int_patent_events_deduplicated): one
-- row per party and role, never twice for a repeated event.

with

events as (

    select * from {{ ref('int_patent_events_deduplicated') }}

),

event_parties as (

    select * from {{ ref('stg_patents__event_parties') }}

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
        parties.party_name,
        parties.party_uscc,
        parties.party_division,
        parties.party_person_key
    from events
    inner join event_parties as parties
        on parties.batch_id = events.batch_id and parties.row_no = events.row_no

)

select * from final
