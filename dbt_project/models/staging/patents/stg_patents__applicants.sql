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
        case when not {{ is_person_name("applicant.party->>'name'", "applicant.party->>'uscc'") }}
            then applicant.party->>'name' end as applicant_name,
        nullif(applicant.party->>'uscc', '') as applicant_uscc,
        nullif(applicant.party->>'region_code', '') as applicant_division,
        case when {{ is_person_name("applicant.party->>'name'", "applicant.party->>'uscc'") }}
            then {{ person_key("applicant.party->>'name'") }} end as applicant_person_key

    from source
    cross join lateral jsonb_array_elements(source.applicants)
        with ordinality as applicant (party, position)

)

select * from renamed
