-- One row per registration action. Natural-person parties (性质 400) appear by keyed hash.

with

source as (

    select * from {{ source('contracts', 'contracts') }}

),

renamed as (

    select
        batch_id,
        row_no,
        business_date,
        checked_at,
        registration_no,
        registration_status,
        registration_date,
        project_name,
        contract_type,
        contract_subtype,
        signing_date,
        valid_from,
        valid_to,
        case when seller_nature <> '400' then seller_name end as seller_name,
        seller_uscc,
        case when seller_nature = '400' then {{ person_key('seller_name') }} end
            as seller_person_key,
        seller_nature,
        seller_division,
        case when buyer_nature <> '400' then buyer_name end as buyer_name,
        buyer_uscc,
        case when buyer_nature = '400' then {{ person_key('buyer_name') }} end
            as buyer_person_key,
        buyer_nature,
        buyer_country,
        buyer_division,
        contract_amount,
        technology_amount,
        technology_field,
        ip_type,
        {{ list_items('related_patents') }} as related_patent_nos,
        plan_level,
        coalesce(open_competition = '是', false) as is_open_competition

    from source

)

select * from renamed
