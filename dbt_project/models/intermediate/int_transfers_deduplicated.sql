-- One row per transfer (domain.md §11): an event and a contract about the same patent, of
-- the same kind, to the same receiving party, from the same giving party (where both name
-- it), within the matching window (var transfer_match_window_days) of each other are one
-- transfer. Pairs are matched nearest first: each event and each contract is used once, and
-- a pair is taken unless a nearer one already used its event or its contract (events on day
-- 0 and 100, contracts on day 50 and 200: 0–50 and 100–200, two transfers, not three).
-- A contract keeps its 注销 date (cancelled_on): a transfer only a contract states counts in
-- the periods before it; one a CNIPA event states stands.

with recursive

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

    -- every event and contract that could be one transfer, numbered per patent, kind and
    -- receiving party in the order the matching takes them: contracts in force before
    -- cancelled ones (a replacement contract, not the one it replaced), then nearest first,
    -- then earliest
    select
        e.statement_id as event_id,
        c.statement_id as registration_no,
        e.application_no,
        e.transfer_kind,
        e.to_party,
        row_number() over (
            partition by e.application_no, e.transfer_kind, e.to_party
            order by
                c.cancelled_on is not null,  -- a contract in force first: it replaced one
                abs(c.transfer_date - e.transfer_date),
                least(c.transfer_date, e.transfer_date),
                e.statement_id,
                c.statement_id
        ) as step
    from events as e
    inner join contracts as c
        on c.application_no = e.application_no
        and c.transfer_kind = e.transfer_kind
        and c.to_party = e.to_party
        and (c.from_party = e.from_party or c.from_party is null or e.from_party is null)
        and abs(c.transfer_date - e.transfer_date) <= {{ var('transfer_match_window_days') }}

),

matching as (

    -- one step per candidate pair: taken unless its event or its contract is already used
    select
        application_no,
        transfer_kind,
        to_party,
        step,
        event_id,
        registration_no,
        true as is_taken,
        array[event_id] as used_events,
        array[registration_no] as used_contracts
    from candidate_pairs
    where step = 1
    union all
    select
        n.application_no,
        n.transfer_kind,
        n.to_party,
        n.step,
        n.event_id,
        n.registration_no,
        n.event_id != all(m.used_events)
        and n.registration_no != all(m.used_contracts) as is_taken,
        case
            when n.event_id != all(m.used_events) and n.registration_no != all(m.used_contracts)
                then m.used_events || n.event_id
            else m.used_events
        end as used_events,
        case
            when n.event_id != all(m.used_events) and n.registration_no != all(m.used_contracts)
                then m.used_contracts || n.registration_no
            else m.used_contracts
        end as used_contracts
    from matching as m
    inner join candidate_pairs as n
        on n.application_no = m.application_no
        and n.transfer_kind = m.transfer_kind
        and n.to_party = m.to_party
        and n.step = m.step + 1

),

pairs as (

    select * from matching
    where is_taken

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
        c.technology_field,
        null::date as cancelled_on  -- the CNIPA event stands whatever becomes of the contract
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
        technology_field,
        cancelled_on
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
        technology_field,
        cancelled_on
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
