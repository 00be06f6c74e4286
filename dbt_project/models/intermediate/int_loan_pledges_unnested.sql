-- One row per patent a loan pledges (质押专利): the chain and the funnel find the loans that
-- pledge a transferred patent by this pair, which a hash join can run.

with

loans as (

    select * from {{ ref('int_loans_resolved_to_current') }}

),

final as (

    select
        l.loan_key,
        pledged.application_no
    from loans as l
    cross join lateral unnest(l.pledged_patent_nos) as pledged (application_no)

)

select distinct * from final
