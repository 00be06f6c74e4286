-- The 11 technology fields of technology-market statistics (domain.md §6), in report order.

with

fields as (

    select * from {{ ref('technology_fields') }}

),

final as (

    select
        technology_field,
        report_order
    from fields

)

select * from final
