-- Each applicant of each patent record as the warehouse keeps it: an organisation by name
-- and code, or a person by keyed hash only (macro patent_party_fields, domain.md §12).

with

applicants as (

    select * from {{ ref('stg_patents__applicants') }}

),

known as (

    select * from {{ ref('int_organization_names_known') }}

),

final as (

    select
        applicants.batch_id,
        applicants.row_no,
        applicants.application_no,
        applicants.updated_at,
        applicants.applicant_order,
        {{ patent_party_fields('applicants', 'applicant', 'known') }}
    from applicants
    left join known
        on known.normalised_name = {{ organization_name('applicants.applicant_name') }}

)

select * from final
