-- One row per period a loan spent in one status, from the daily snapshots: a new row each
-- time the reported status changes.

with

snapshots as (

    select * from {{ ref('fct_tech_loan_snapshot') }}

),

changes as (

    select
        loan_key,
        business_date,
        status,
        lag(status) over (partition by loan_key order by business_date) as previous_status
    from snapshots

),

starts as (

    select
        loan_key,
        status,
        business_date as status_from,
        lead(business_date) over (partition by loan_key order by business_date) as next_from
    from changes
    where previous_status is distinct from status

),

final as (

    select
        loan_key,
        row_number() over (partition by loan_key order by status_from)::integer
            as status_sequence,
        status,
        status_from,
        (next_from - 1) as status_to,
        next_from is null as is_current
    from starts

)

select * from final
