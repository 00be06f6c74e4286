-- One row per applicant of each record delivered, in the order the record lists them.
-- A person or not is decided in int_patent_applicants_classified, from the data; nothing
-- past that model sees a person's name.

with

source as (

    select * from {{ source('patents', 'patents') }}

),

renamed as (

    select
        source.batch_id,
        source.row_no,
        source.application_no,
        source.updated_at,
        applicant.position::integer as applicant_order,
        {{ party_fields('applicant.party', 'applicant') }}

    from source
    cross join
        lateral jsonb_array_elements(source.applicants)
        with ordinality as applicant (party, position)

)

select * from renamed
