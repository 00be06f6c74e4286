-- Each patent's legal status from its events (domain.md §9): 审中 before grant; 有效 from
-- grant until a CF01, CX01, AV01 or IW01 event, unless a later RR01 restores it; 失效 after.

with

patents as (

    select * from {{ ref('int_patents_resolved_to_latest') }}

),

events as (

    select * from {{ ref('int_patent_events_deduplicated') }}

),

event_codes as (

    select * from {{ ref('patent_event_codes') }}

),

validity_events as (

    select
        e.application_no,
        e.effective_date,
        c.ends_validity,
        row_number() over (
            partition by e.application_no
            order by e.effective_date desc, c.restores_validity desc, e.event_id desc
        ) as recency
    from events as e
    inner join event_codes as c on c.event_code = e.event_code
    where c.ends_validity or c.restores_validity

),

last_validity_event as (

    select * from validity_events
    where recency = 1

),

final as (

    select
        p.application_no,
        case
            when v.ends_validity then '失效'
            when p.grant_date is not null then '有效'
            else '审中'
        end as legal_status,
        case
            when v.ends_validity then v.effective_date
            when p.grant_date is not null then greatest(p.grant_date, v.effective_date)
            else p.application_date
        end as status_since
    from patents as p
    left join last_validity_event as v on v.application_no = p.application_no

)

select * from final
