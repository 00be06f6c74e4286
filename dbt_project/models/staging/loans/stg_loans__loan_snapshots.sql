-- One row per loan per bank snapshot. Individual borrowers appear by keyed hash only.

with

source as (

    select * from {{ source('loans', 'loans') }}

),

renamed as (

    select
        batch_id,
        row_no,
        business_date,
        checked_at,
        bank_code || ':' || loan_no as loan_key,
        bank_code,
        loan_no,
        bank_name,
        product,
        borrower_type,
        case when borrower_type = '企业' then borrower_name end as borrower_name,
        case when borrower_type = '企业' then borrower_id_no end as borrower_uscc,
        case when borrower_type = '个人' then {{ person_key('borrower_id_no') }} end
            as borrower_person_key,
        borrower_division,
        {{ list_items('qualifications') }} as qualifications,
        disbursed_on,
        matures_on,
        principal,
        annual_rate,
        guarantee,
        {{ list_items('pledged_patents') }} as pledged_patent_nos,
        status,
        settled_on,
        compensation_claimed

    from source

)

select * from renamed
