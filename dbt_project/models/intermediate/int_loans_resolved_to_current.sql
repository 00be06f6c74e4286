-- Each loan as its bank's latest snapshot reports it, with when it was first and last reported
-- and the product's ceiling on its disbursement date.

with

snapshots as (

    select * from {{ ref('fct_tech_loan_snapshot') }}

),

loans as (

    select * from {{ ref('stg_loans__loan_snapshots') }}

),

products as (

    select * from {{ ref('loan_products') }}

),

latest_rows as (

    select distinct on (loan_key)
        loan_key,
        batch_id,
        row_no
    from snapshots
    order by loan_key asc, business_date desc, batch_id desc

),

reporting as (

    select
        loan_key,
        min(business_date) as first_reported_on,
        max(business_date) as last_reported_on,
        count(*) as snapshot_count
    from snapshots
    group by loan_key

),

final as (

    select
        l.loan_key,
        l.bank_code,
        l.loan_no,
        l.bank_name,
        l.product,
        l.borrower_type,
        l.borrower_name,
        l.borrower_uscc,
        l.borrower_person_key,
        l.borrower_division,
        l.qualifications,
        l.disbursed_on,
        l.matures_on,
        l.principal,
        l.annual_rate,
        l.guarantee,
        l.pledged_patent_nos,
        l.status,
        l.settled_on,
        l.compensation_claimed,
        p.ceiling_wan,
        p.max_term_months,
        r.first_reported_on,
        r.last_reported_on,
        r.snapshot_count
    from latest_rows as latest
    inner join loans as l on l.batch_id = latest.batch_id and l.row_no = latest.row_no
    inner join reporting as r on r.loan_key = latest.loan_key
    left join products as p
        on p.product = l.product
        and l.disbursed_on >= coalesce(p.ceiling_from, l.disbursed_on)
        and l.disbursed_on <= coalesce(p.ceiling_to, l.disbursed_on)

)

select * from final
