-- One row per bibliographic record delivered. Inventors are people: only their number stays.

with

source as (

    select * from {{ source('patents', 'patents') }}

),

renamed as (

    select
        batch_id,
        row_no,
        business_date,
        checked_at,
        application_no,
        patent_type,
        title,
        application_date,
        publication_no,
        publication_date,
        grant_no,
        grant_date,
        ipc_main,
        applicants,
        coalesce(jsonb_array_length(inventors), 0) as inventor_count,
        legal_status as reported_legal_status,
        updated_at

    from source

)

select * from renamed
