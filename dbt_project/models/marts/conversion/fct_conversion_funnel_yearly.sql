-- The conversion funnel by output year × owner county × owner group × technology field:
-- of the results produced that year (patents granted; know-how and software contracts),
-- how many were transferred, adopted by an enterprise in the city, and financed.

with

patents as (

    select * from {{ ref('dim_patent') }}

),

organizations as (

    select * from {{ ref('dim_organization') }}

),

chains as (

    select * from {{ ref('fct_conversion_chain') }}

),

loans as (

    select * from {{ ref('fct_tech_loan') }}

),

results as (

    select
        'patent:' || p.application_no as result_id,
        true as is_granted_patent,
        p.grant_year as output_year,
        o.county_code as owner_county_code,
        coalesce(o.owner_group, '其他') as owner_group,
        p.technology_field,
        p.grant_date as output_date
    from patents as p
    left join organizations as o on o.organization_key = p.owner_organization_key
    where p.is_granted
    union all
    select
        'contract:' || c.registration_no as result_id,
        false as is_granted_patent,
        c.output_year,
        c.owner_county_code,
        coalesce(c.owner_group, '其他') as owner_group,
        c.technology_field,
        c.output_date
    from chains as c
    where c.chain_origin = 'contract' and c.cancelled_on is null

),

chain_results as (

    select
        case when chain_origin = 'patent' then 'patent:' || application_no
            else 'contract:' || registration_no
        end as result_id,
        *
    from chains
    where cancelled_on is null  -- the funnel is today's picture: a cancelled contract is none

),

per_result as (

    select
        result_id,
        min(transfer_date) as first_transfer_date,
        bool_or(is_adopted) as is_adopted,
        bool_or(is_financed) as is_financed,
        sum(transfer_amount) as transfer_amount
    from chain_results
    group by result_id

),

adopted_windows as (

    -- each result's financing windows per adopter, merged where they overlap, so that a loan
    -- in two windows of the same result counts once
    select
        result_id,
        borrower_key,
        result_id || '|' || borrower_key || '|' || island as window_id,
        min(starts_on) as starts_on,
        max(ends_on) as ends_on
    from (
        select
            *,
            sum(is_new) over (
                partition by result_id, borrower_key order by starts_on, ends_on
                rows unbounded preceding
            ) as island
        from (
            select
                result_id,
                adopter_organization_key as borrower_key,
                transfer_date as starts_on,
                financing_window_ends_on as ends_on,
                case
                    when
                        transfer_date <= max(financing_window_ends_on) over (
                            partition by result_id, adopter_organization_key
                            order by transfer_date, financing_window_ends_on
                            rows between unbounded preceding and 1 preceding
                        )
                        then 0
                    else 1
                end as is_new
            from chain_results
            where is_adopted
        ) as windows
    ) as islands
    group by result_id, borrower_key, island

),

borrowers as (

    select
        loan_key,
        borrower_organization_key as borrower_key,
        disbursed_on,
        principal
    from loans

),

adopter_loans as (

    {{ loans_within_windows('adopted_windows', 'borrowers') }}

),

pledged_patents as (

    select * from {{ ref('int_loan_pledges_unnested') }}

),

pledge_only_loans as (

    -- loans pledging the result's patent in a window, drawn by no adopter in its own window
    select distinct
        c.result_id,
        l.loan_key,
        l.principal
    from chain_results as c
    inner join pledged_patents as p on p.application_no = c.application_no
    inner join loans as l
        on l.loan_key = p.loan_key
        and l.disbursed_on between c.transfer_date and c.financing_window_ends_on
    where
        c.is_adopted
        and not exists (
            select 1
            from adopted_windows as w
            where
                w.result_id = c.result_id
                and w.borrower_key = l.borrower_organization_key
                and l.disbursed_on between w.starts_on and w.ends_on
        )

),

financed_amounts as (

    select
        result_id,
        sum(principal) as financed_amount
    from (
        select
            w.result_id,
            a.principal
        from adopter_loans as a
        inner join adopted_windows as w on w.window_id = a.window_id
        union all
        select
            result_id,
            principal
        from pledge_only_loans
    ) as financing
    group by result_id

),

final as (

    select
        r.output_year,
        r.owner_county_code,
        r.owner_group,
        r.technology_field,
        count(*)::integer as result_count,
        count(*) filter (where r.is_granted_patent)::integer as granted_patent_count,
        count(pr.result_id)::integer as transferred_count,
        count(*) filter (where pr.is_adopted)::integer as adopted_count,
        count(*) filter (where pr.is_financed)::integer as financed_count,
        coalesce(sum(pr.transfer_amount), 0) as transfer_amount,
        coalesce(sum(fa.financed_amount), 0) as financed_amount,
        round(avg(pr.first_transfer_date - r.output_date), 1) as avg_days_to_first_transfer
    from results as r
    left join per_result as pr on pr.result_id = r.result_id
    left join financed_amounts as fa on fa.result_id = r.result_id
    group by r.output_year, r.owner_county_code, r.owner_group, r.technology_field

)

select * from final
