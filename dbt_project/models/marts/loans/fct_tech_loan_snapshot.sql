{{ config(
    materialized='incremental',
    unique_key=['loan_key', 'business_date'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_vanished_rows(ref('stg_loans__loan_snapshots')) }}"
) }}
-- One row per loan per business date a bank reported it: the daily snapshots, kept as
-- history. Built incrementally: only loans with newly checked or replaced rows are rebuilt.

with

snapshots as (

    select * from {{ ref('stg_loans__loan_snapshots') }}

),

{% if is_incremental() %}
    to_rebuild as (

        {{ keys_to_rebuild('snapshots', 'loan_key') }}

    ),
{% endif %}

final as (

    select
        loan_key,
        business_date,
        bank_code,
        loan_no,
        product,
        borrower_type,
        borrower_uscc as borrower_organization_key,
        borrower_person_key,
        borrower_division,
        disbursed_on,
        matures_on,
        principal,
        annual_rate,
        guarantee,
        status,
        settled_on,
        compensation_claimed,
        batch_id,
        row_no,
        checked_at
    from snapshots
    {% if is_incremental() %}
        where loan_key in (select to_rebuild.loan_key from to_rebuild)
    {% endif %}

)

select * from final
