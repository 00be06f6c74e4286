-- One row per patent: its latest record, the status its events give it (domain.md §9), its
-- owner of record, its holder after transfers, and its technology field from its main IPC.

with

patents as (

    select * from {{ ref('int_patents_resolved_to_latest') }}

),

statuses as (

    select * from {{ ref('int_patent_status_derived') }}

),

organizations as (

    select * from {{ ref('int_organizations_resolved') }}

),

transfers as (

    select * from {{ ref('int_transfers_deduplicated') }}

),

events as (

    select * from {{ ref('int_patent_events_deduplicated') }}

),

ipc_fields as (

    select * from {{ ref('ipc_technology_fields') }}

),

last_assignments as (

    select distinct on (application_no)
        application_no,
        to_organization_key,
        to_person_key,
        transfer_date
    from transfers
    -- today's holder: a transfer only a cancelled contract stated never happened
    where transfer_kind = '转让' and application_no is not null and cancelled_on is null
    order by application_no asc, transfer_date desc, transfer_id asc

),

transfer_counts as (

    select
        application_no,
        count(*) filter (where transfer_kind = '转让') as transfer_count,
        count(*) filter (where transfer_kind = '许可') as licence_count
    from transfers
    where application_no is not null and cancelled_on is null
    group by application_no

),

pledge_counts as (

    select
        application_no,
        count(distinct event_id) as pledge_count
    from events
    where event_code = 'PE01'
    group by application_no

),

final as (

    select
        p.application_no,
        p.patent_type,
        p.title,
        p.application_date,
        extract(year from p.application_date)::integer as application_year,
        p.publication_no,
        p.publication_date,
        p.grant_no,
        p.grant_date,
        extract(year from p.grant_date)::integer as grant_year,
        p.grant_date is not null as is_granted,
        s.legal_status,
        s.status_since,
        p.reported_legal_status,
        p.ipc_main,
        field.technology_field,
        owner.organization_key as owner_organization_key,
        p.owner_person_key,
        p.applicant_count,
        p.inventor_count,
        coalesce(a.to_organization_key, owner.organization_key) as holder_organization_key,
        case when a.application_no is not null then a.to_person_key else p.owner_person_key end
            as holder_person_key,
        a.transfer_date as last_assigned_on,
        coalesce(t.transfer_count, 0) as transfer_count,
        coalesce(t.licence_count, 0) as licence_count,
        coalesce(pl.pledge_count, 0) as pledge_count,
        p.updated_at
    from patents as p
    inner join statuses as s on s.application_no = p.application_no
    left join organizations as owner on owner.mention_id = p.owner_mention_id
    left join last_assignments as a on a.application_no = p.application_no
    left join transfer_counts as t on t.application_no = p.application_no
    left join pledge_counts as pl on pl.application_no = p.application_no
    left join lateral (
        select f.technology_field
        from ipc_fields as f
        where replace(p.ipc_main, ' ', '') like f.ipc_prefix || '%'
        order by length(f.ipc_prefix) desc
        limit 1
    ) as field on true

)

select * from final
