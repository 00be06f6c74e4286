-- Each patent as its latest record says (sources.md §3: a later updated_at replaces an
-- earlier record), with its first-listed applicant as owner of record.

with

records as (

    select * from {{ ref('stg_patents__patent_records') }}

),

applicants as (

    select * from {{ ref('int_patent_applicants_classified') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by application_no
            order by updated_at desc, business_date desc, batch_id desc, row_no desc
        ) as recency
    from records

),

latest as (

    select * from ranked
    where recency = 1

),

final as (

    select
        latest.application_no,
        latest.patent_type,
        latest.title,
        latest.application_date,
        latest.publication_no,
        latest.publication_date,
        latest.grant_no,
        latest.grant_date,
        latest.ipc_main,
        latest.inventor_count,
        latest.applicant_count,
        owner.applicant_name as owner_name,
        owner.applicant_uscc as owner_uscc,
        owner.applicant_division as owner_division,
        owner.applicant_person_key as owner_person_key,
        {{ mention_id('owner.applicant_name', 'owner.applicant_division',
                      'owner.applicant_uscc') }} as owner_mention_id,
        latest.reported_legal_status,
        latest.updated_at
    from latest
    left join applicants as owner
        on owner.batch_id = latest.batch_id
        and owner.row_no = latest.row_no
        and owner.applicant_order = 1

)

select * from final
