-- One row per tech loan, in the state its bank's latest snapshot reports, with the
-- enterprise's running total of the product in the year (for the per-year ceiling).

with

loans as (

    select * from {{ ref('int_loans_resolved_to_current') }}

),

yearly as (

    -- an enterprise's loans of one product in one calendar year, across banks, in order: the
    -- ceiling (天府科创贷) holds per enterprise per year (domain.md §8), not per loan
    select
        *,
        sum(principal) over (
            partition by borrower_uscc, product, extract(year from disbursed_on)
            order by disbursed_on, loan_key
        ) as borrower_year_principal
    from loans

),

final as (

    select
        loan_key,
        bank_code,
        loan_no,
        bank_name,
        product,
        borrower_type,
        borrower_uscc as borrower_organization_key,
        borrower_person_key,
        borrower_division,
        {{ county_in_city('borrower_division') }} as borrower_county_code,
        qualifications,
        disbursed_on,
        date_trunc('month', disbursed_on)::date as disbursement_month,
        matures_on,
        (matures_on - disbursed_on) as term_days,
        principal,
        annual_rate,
        guarantee,
        pledged_patent_nos,
        (product = '知识产权质押贷' or cardinality(pledged_patent_nos) > 0) as is_ip_pledge,
        status as current_status,
        settled_on,
        compensation_claimed,
        borrower_year_principal,
        -- the loan that takes the enterprise's year past the ceiling, and any after it
        coalesce(
            (case when borrower_uscc is null then principal else borrower_year_principal end)
            > ceiling_wan,
            false
        ) as exceeds_product_ceiling,
        coalesce(matures_on > disbursed_on + make_interval(months => max_term_months), false)
            as exceeds_product_term,
        first_reported_on,
        last_reported_on,
        snapshot_count
    from yearly

)

select * from final
