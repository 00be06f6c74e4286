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

    select event_parties.*
    from event_parties
    inner join events
        on
            event_parties.batch_id = events.batch_id
            and event_parties.row_no = events.row_no

)

select * from final
