{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_vanished_rows(ref('int_patent_events_deduplicated')) }}"
) }}
-- One row per patent legal event (its latest delivery, chosen once in
-- int_patent_events_deduplicated). Built incrementally: only event ids whose chosen delivery
-- is newly checked or was replaced are rebuilt.

with

events as (

    select * from {{ ref('int_patent_events_deduplicated') }}

),

event_codes as (

    select * from {{ ref('patent_event_codes') }}

),

{% if is_incremental() %}
    to_rebuild as (

        {{ keys_to_rebuild('events', 'event_id') }}

    ),
{% endif %}

final as (

    select
        e.event_id,
        e.application_no,
        e.event_code,
        coalesce(e.event_name, c.event_name) as event_name,
        coalesce(c.category, 'unknown') as event_category,
        c.event_code is not null as is_known_code,
        e.effective_date,
        e.gazette_date,
        date_part('year', e.effective_date)::integer as effective_year,
        e.licence_type,
        e.record_no,
        e.business_date,
        e.batch_id,
        e.row_no,
        e.checked_at
    from events as e
    left join event_codes as c on c.event_code = e.event_code
    {% if is_incremental() %}
        where e.event_id in (select to_rebuild.event_id from to_rebuild)
    {% endif %}

)

select * from final
