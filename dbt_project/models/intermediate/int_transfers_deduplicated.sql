-- One row per transfer (domain.md §11): an event and a contract about the same patent, of
-- the same kind, to the same receiving party, from the same giving party (where both name
-- it), within the matching window (var transfer_match_window_days) of each other are one
-- transfer. Each event pairs with at most one contract and the other way round: the nearest
-- in time, then the earliest.

with

statements as (

    select
        *,
        coalesce(from_organization_key, 'person:' || from_person_key) as from_party,
        coalesce(to_organization_key, 'person:' || to_person_key) as to_party
    from {{ ref('int_transfers_unioned') }}

),

events as (

    select * from statements
    where stated_by = 'event'

),

contracts as (

    select * from statements
    where stated_by = 'contract'

),

candidate_pairs as (

    select
        e.statement_id as event_id,
        c.statement_id as registration_no,
        e.application_no,
        e.to_party,
        row_number() over (
            partition by e.statement_id, e.to_party
            order by abs(c.transfer_date - e.transfer_date), c.transfer_date, c.statement_id
        ) as rank_for_event,
        row_number() over (
            partition by c.statement_id, c.application_no, c.to_party
            order by abs(c.transfer_date - e.transfer_date), e.transfer_date, e.statement_id
        ) as rank_for_contract
    from events as e
    inner join contracts as c
        on c.application_no = e.application_no
        and c.transfer_kind = e.transfer_kind
        and c.to_party = e.to_party
        and (c.from_party = e.from_party or c.from_party is null or e.from_party is null)
        and abs(c.transfer_date - e.transfer_date) <= {{ var('transfer_match_window_days') }}

),

pairs as (

    select * from candidate_pairs
    where rank_for_event = 1 and rank_for_contract = 1

),

merged as (

    select
        'event+contract' as stated_by,
        e.application_no,
        e.transfer_kind,
        least(e.transfer_date, c.transfer_date) as transfer_date,
        e.statement_id as event_id,
        c.statement_id as registration_no,
        coalesce(e.from_organization_key, c.from_organization_key) as from_organization_key,
        coalesce(e.from_person_key, c.from_person_key) as from_person_key,
        coalesce(e.to_organization_key, c.to_organization_key) as to_organization_key,
        coalesce(e.to_person_key, c.to_person_key) as to_person_key,
        c.contract_amount,
        c.technology_amount,
        c.technology_field
    from pairs as p
    inner join events as e on e.statement_id = p.event_id and e.to_party = p.to_party
    inner join contracts as c
        on c.statement_id = p.registration_no
        and c.application_no = p.application_no
        and c.to_party = p.to_party

),

unpaired_events as (

    select
        'event' as stated_by,
        application_no,
        transfer_kind,
        transfer_date,
        statement_id as event_id,
        null as registration_no,
        from_organization_key,
        from_person_key,
        to_organization_key,
        to_person_key,
        contract_amount,
        technology_amount,
        technology_field
    from events as e
    where not exists (
            select 1 from pairs as p
            where p.event_id = e.statement_id and p.to_party = e.to_party
        )

),

unpaired_contracts as (

    select
        'contract' as stated_by,
        application_no,
        transfer_kind,
        transfer_date,
        null as event_id,
        statement_id as registration_no,
        from_organization_key,
        from_person_key,
        to_organization_key,
        to_person_key,
        contract_amount,
        technology_amount,
        technology_field
    from contracts as c
    where not exists (
            select 1 from pairs as p
            where p.registration_no = c.statement_id
                and p.application_no = c.application_no
                and p.to_party = c.to_party
        )

),

transfers as (

    select * from merged
    union all
    select * from unpaired_events
    union all
    select * from unpaired_contracts

),

final as (

    select
        md5(concat_ws(
            '|', coalesce(event_id, ''), coalesce(registration_no, ''),
            coalesce(application_no, ''), coalesce(to_organization_key, to_person_key, '')
        ))
            as transfer_id,
        *
    from transfers

)

select * from final
