-- Every transfer or licence as a source states it (domain.md §11, stage 2): TR01 and EE01
-- events, one row per receiving party; 技术转让 and 技术许可 contracts, one row per patent
-- they name (or one row without a patent, for know-how and software), with the date of a
-- contract's 注销: the transfer counts in the periods before it (provincial-feed.md), not
-- after, so a later 注销 never rewrites an earlier period's figures.

with

events as (

    select * from {{ ref('int_patent_events_deduplicated') }}

),

event_parties as (

    select * from {{ ref('int_patent_event_parties_deduplicated') }}

),

contracts as (

    select * from {{ ref('int_contracts_resolved_to_current') }}

),

contract_types as (

    select * from {{ ref('contract_types') }}

),

organizations as (

    select * from {{ ref('int_organizations_resolved') }}

),

takers as (

    -- who receives the patent or the licence: each one a transfer of its own
    select
        *,
        {{ mention_id('party_name', 'party_division', 'party_uscc') }} as mention_id
    from event_parties
    where party_role in ('after', 'licensee')

),

givers as (

    -- who gives it: the first party named before the event
    select
        *,
        {{ mention_id('party_name', 'party_division', 'party_uscc') }} as mention_id
    from event_parties
    where party_role in ('before', 'licensor') and party_order = 1

),

event_transfers as (

    select
        'event' as stated_by,
        e.event_id as statement_id,
        e.application_no,
        case e.event_code when 'TR01' then '转让' else '许可' end as transfer_kind,
        e.effective_date as transfer_date,
        giver.mention_id as from_mention_id,
        null::text as from_person_key,
        taker.mention_id as to_mention_id,
        taker.party_person_key as to_person_key,
        null::numeric as contract_amount,
        null::numeric as technology_amount,
        null::text as technology_field,
        null::date as cancelled_on
    from events as e
    inner join takers as taker on taker.event_id = e.event_id
    left join givers as giver on giver.event_id = e.event_id
    where e.event_code in ('TR01', 'EE01')

),

contract_transfers as (

    select
        'contract' as stated_by,
        c.registration_no as statement_id,
        patent.application_no,
        case t.reporting_type when '技术转让' then '转让' else '许可' end as transfer_kind,
        c.signing_date as transfer_date,
        case when c.seller_name is not null
                then {{ mention_id('c.seller_name', 'c.seller_division', 'c.seller_uscc') }}
        end as from_mention_id,
        c.seller_person_key as from_person_key,
        case when c.buyer_name is not null
                then {{ mention_id('c.buyer_name', 'c.buyer_division', 'c.buyer_uscc') }}
        end as to_mention_id,
        c.buyer_person_key as to_person_key,
        c.contract_amount,
        c.technology_amount,
        c.technology_field,
        c.cancelled_on
    from contracts as c
    inner join contract_types as t
        on t.contract_type = c.contract_type and t.contract_subtype = c.contract_subtype
    left join lateral unnest(c.related_patent_nos) as patent (application_no) on true
    where t.reporting_type in ('技术转让', '技术许可')

),

unioned as (

    select * from event_transfers
    union all
    select * from contract_transfers

),

final as (

    select
        u.stated_by,
        u.statement_id,
        u.application_no,
        u.transfer_kind,
        u.transfer_date,
        giver.organization_key as from_organization_key,
        u.from_person_key,
        taker.organization_key as to_organization_key,
        u.to_person_key,
        u.contract_amount,
        u.technology_amount,
        u.technology_field,
        u.cancelled_on
    from unioned as u
    left join organizations as giver on giver.mention_id = u.from_mention_id
    left join organizations as taker on taker.mention_id = u.to_mention_id

)

select * from final
