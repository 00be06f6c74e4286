-- One row per bibliographic record delivered. Inventors are people, and an applicant may be:
-- only their numbers stay here (applicants one by one: stg_patents__applicants).

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
        coalesce(jsonb_array_length(applicants), 0) as applicant_count,
        coalesce(jsonb_array_length(inventors), 0) as inventor_count,
        legal_status as reported_legal_status,
        updated_at

    from source

)

select * from renamed
