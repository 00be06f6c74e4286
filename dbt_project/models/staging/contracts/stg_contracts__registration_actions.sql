with

source as (

    select * from {{ source('contracts', 'contracts') }}

),

renamed as (

    select
        batch_id,
        row_no,
        business_date,
        registration_no,
        registration_status,
        registration_date,
        project_name,
        contract_type,
        contract_subtype,
        signing_date,
        valid_from,
        valid_to,
        seller_name,
        seller_uscc,
        seller_nature,
        seller_division,
        buyer_name,
        buyer_uscc,
        buyer_nature,
        coalesce(buyer_country, 'CN') as buyer_country,
        buyer_division,
        contract_amount,
        technology_amount,
        technology_field,
        ip_type,
        related_patents,
        plan_level,
        coalesce(open_competition = '是', false) as is_open_competition

    from source

)

select * from renamed
