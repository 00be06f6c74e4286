-- One row per party named by a legal event, with its role: before/after a transfer,
-- licensor/licensee, pledgor/pledgee. A person or not is decided from the data in
-- int_patent_event_parties_deduplicated; nothing past it sees a person's name.

with

source as (

    select * from {{ source('patents', 'patent_events') }}

),

renamed as (

    select
        source.batch_id,
        source.row_no,
        source.event_id,
        source.application_no,
        source.event_code,
        source.effective_date,
        roles.party_role,
        party.position::integer as party_order,
        {{ party_fields('party.value', 'party') }}

    from source
    cross join
        lateral (
            values ('before', source.parties_before), ('after', source.parties_after),
            ('licensor', source.licensor), ('licensee', source.licensee),
            ('pledgor', source.pledgor), ('pledgee', source.pledgee)
        ) as roles (party_role, parties)
    cross join lateral jsonb_array_elements(
        case when jsonb_typeof(roles.parties) = 'array' then roles.parties else '[]' end
    ) with ordinality as party (value, position)

)

select * from renamed
