-- One row per legal event id: its latest delivery. An identical repeat of an event (in one
-- file or a later one) is a no-op and a later delivery with other content its correction
-- (sources.md §4), so a repeated line never counts a transfer twice.

with

events as (

    select * from {{ ref('stg_patents__legal_events') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by business_date desc, batch_id desc, row_no desc
        ) as recency
    from events

),

final as (

    select
        batch_id,
        row_no,
        business_date,
        checked_at,
        event_id,
        application_no,
        event_code,
        event_name,
        effective_date,
        gazette_date,
        licence_type,
        record_no
    from ranked
    where recency = 1

)

select * from final
