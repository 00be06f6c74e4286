-- Each registered contract in its current state: the registration, overlaid by its latest
-- 变更 (which carries the full corrected record), ended by a 注销 from that 注销's date on.
-- Amendments and cancellations without a registration are not contracts yet.

with

actions as (

    select * from {{ ref('stg_contracts__registration_actions') }}

),

ranked as (

    -- each action's recency among its registration's actions of the same kind, ranked on
    -- the keys alone: ranking whole records sorted and kept 1.6 GB of temporary files for a
    -- national year's million contracts
    select
        batch_id,
        row_no,
        row_number() over (
            partition by registration_no, registration_status
            order by registration_date desc, business_date desc, batch_id desc, row_no desc
        ) as recency
    from actions
    where registration_status in ('登记', '变更')

),

latest as (

    select actions.*
    from actions
    inner join ranked
        on ranked.batch_id = actions.batch_id
        and ranked.row_no = actions.row_no
    where ranked.recency = 1

),

registrations as (

    select * from latest
    where registration_status = '登记'

),

latest_amendments as (

    select * from latest
    where registration_status = '变更'

),

amendment_counts as (

    select
        registration_no,
        count(*) as amendment_count,
        max(registration_date) as last_amended_on
    from actions
    where registration_status = '变更'
    group by registration_no

),

cancellations as (

    select
        registration_no,
        min(registration_date) as cancelled_on
    from actions
    where registration_status = '注销'
    group by registration_no

),

current_records as (

    -- a 变更 carries the full corrected record, so the latest one replaces the whole row
    select * from latest_amendments
    union all
    select * from registrations as r
    where not exists (
            select 1 from latest_amendments as a
            where a.registration_no = r.registration_no
        )

),

resolved as (

    select
        cur.registration_no,
        r.registration_date as original_registration_date,
        cur.project_name,
        cur.contract_type,
        cur.contract_subtype,
        cur.signing_date,
        cur.valid_from,
        cur.valid_to,
        cur.seller_name,
        cur.seller_uscc,
        cur.seller_person_key,
        cur.seller_nature,
        cur.seller_division,
        cur.buyer_name,
        cur.buyer_uscc,
        cur.buyer_person_key,
        cur.buyer_nature,
        cur.buyer_country,
        cur.buyer_division,
        cur.contract_amount,
        cur.technology_amount,
        cur.technology_field,
        cur.ip_type,
        cur.related_patent_nos,
        cur.plan_level,
        cur.is_open_competition,
        coalesce(n.amendment_count, 0) as amendment_count,
        n.last_amended_on,
        c.cancelled_on
    from current_records as cur
    inner join registrations as r on r.registration_no = cur.registration_no
    left join amendment_counts as n on n.registration_no = cur.registration_no
    left join cancellations as c on c.registration_no = cur.registration_no

)

select * from resolved
