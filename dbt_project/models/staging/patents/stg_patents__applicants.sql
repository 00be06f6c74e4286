-- One row per applicant of each record delivered, in the order the record lists them.
-- An applicant that is a person appears by keyed hash only.

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
