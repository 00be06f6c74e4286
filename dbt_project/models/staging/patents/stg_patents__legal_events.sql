-- One row per legal event delivered; its parties, one by one: stg_patents__event_parties.

with

source as (

    select * from {{ source('patents', 'patent_events') }}

),

renamed as (

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

    from source

)

select * from renamed
