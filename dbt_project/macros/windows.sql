{#- domain.md §11: financing counts for a chain when it happens on the day of the transfer or
    within var financing_window_days after it. -#}
{% macro within_financing_window(day, transfer_date) -%}
    {{ day }} between {{ transfer_date }} and {{ financing_window_end(transfer_date) }}
{%- endmacro %}

{% macro financing_window_end(transfer_date) -%}
    {{ transfer_date }} + {{ var('financing_window_days') }}
{%- endmacro %}

{#- The loans each window holds, summed without pairing windows with loans: a borrower with
    thousands of transfers and thousands of loans would make millions of pairs (at national
    scale the chain spilled 50 GB). `windows` has window_id, borrower_key, starts_on, ends_on;
    `loans` has loan_key, borrower_key, disbursed_on, principal. Each window's start and end
    go into the borrower's loans as markers, sorted by day (a start before that day's loans,
    an end after them): the running sums at the two markers differ by exactly the loans
    within [starts_on, ends_on], and the first loan at or after the start is read backwards.
    One sort per borrower: n log n. Returns window_id, principal, loan_count, first_loan_on
    (null, 0, 0 when a window holds no loan). -#}
{% macro loans_within_windows(windows, loans) -%}
    select
        window_id,
        coalesce(max(running_principal) filter (where marker = 2), 0)
        - coalesce(max(running_principal) filter (where marker = 0), 0) as principal,
        (max(running_count) filter (where marker = 2)
        - max(running_count) filter (where marker = 0))::integer as loan_count,
        max(next_loan_on) filter (
            where marker = 0 and next_loan_on <= ends_on
        ) as first_loan_on
    from (
        select
            window_id,
            marker,
            ends_on,
            sum(principal) over by_day as running_principal,
            count(principal) over by_day as running_count,
            -- read backwards from the end: a frame that grows is one pass (a frame that
            -- shrinks, `current row and unbounded following`, recomputes each row: n²)
            min(case when marker = 1 then day end) over (
                partition by borrower_key order by day desc, marker desc
                rows unbounded preceding
            ) as next_loan_on
        from (
            select window_id, borrower_key, starts_on as day, 0 as marker, ends_on,
                null::numeric as principal
            from {{ windows }}
            union all
            select null, l.borrower_key, l.disbursed_on, 1, null, l.principal
            from {{ loans }} as l
            where l.borrower_key in (select w.borrower_key from {{ windows }} as w)
            union all
            select window_id, borrower_key, ends_on, 2, ends_on, null
            from {{ windows }}
        ) as markers
        window by_day as (
            partition by borrower_key order by day, marker rows unbounded preceding
        )
    ) as running
    where marker <> 1
    group by window_id
{%- endmacro %}
