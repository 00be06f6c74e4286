-- One row per organisation found in any feed (domain.md §10): identified by its USCC, or
-- by its normalised name within a division. Its nature comes from contract registrations
-- where it has one; else from its code's kind of body; else from words in its name.

with

mentions as (

    select * from {{ ref('int_party_mentions_unioned') }}

),

resolved as (

    select * from {{ ref('int_organizations_resolved') }}

),

natures as (

    select * from {{ ref('party_natures') }}

),

groups as (

    select * from {{ ref('reporting_groups') }}

),

uscc_kinds as (

    select * from {{ ref('uscc_kinds') }}

),

keyed as (

    select
        m.*,
        r.organization_key,
        r.resolved_by
    from mentions as m
    inner join resolved as r on r.mention_id = m.mention_id

),

latest_names as (

    select distinct on (organization_key)
        organization_key,
        name,
        normalised_name
    from keyed
    order by organization_key asc, seen_on desc, name asc

),

latest_divisions as (

    select distinct on (organization_key)
        organization_key,
        division
    from keyed
    where division is not null
    order by organization_key asc, seen_on desc, division asc

),

summary as (

    select
        organization_key,
        max(uscc) as uscc,
        mode() within group (order by nature_code) as nature_code,
        min(seen_on) as first_seen_on,
        max(seen_on) as last_seen_on,
        count(*) as mention_count,
        count(distinct normalised_name) as name_variants,
        array_agg(distinct source_feed order by source_feed) as seen_in_feeds,
        bool_or(resolved_by = 'name_matched_code') as has_name_only_mentions
    from keyed
    group by organization_key

),

classified as (

    select
        s.*,
        n.name,
        n.normalised_name,
        d.division,
        coalesce(
            nature.reporting_group,
            case
                -- market registrations: 91 企业, 92 个体工商户, 93 农民专业合作社
                when left(s.uscc, 1) = '9' then kind.reporting_group
                when n.normalised_name ~ '(大学|学院)$' then '高等院校'
                when n.normalised_name ~ '(研究院|研究所|科学院)$' then '科研机构'
                when n.normalised_name ~ '医院$' then '医疗卫生机构'
                when kind.reporting_group is not null then kind.reporting_group
                when n.normalised_name ~ '公司$' then '企业法人'
                else '其他'
            end
        ) as reporting_group,
        case when nature.reporting_group is not null then 'nature_code'
            when left(s.uscc, 1) = '9' then 'uscc'
            else 'name_or_uscc'
        end as classified_by
    from summary as s
    inner join latest_names as n on n.organization_key = s.organization_key
    left join latest_divisions as d on d.organization_key = s.organization_key
    left join natures as nature on nature.nature_code = s.nature_code
    left join uscc_kinds as kind on kind.uscc_prefix = left(s.uscc, 2)

),

final as (

    select
        c.organization_key,
        c.uscc,
        c.name as organization_name,
        c.normalised_name,
        c.division as division_code,
        {{ county_in_city('c.division') }} as county_code,
        {{ is_in_city('c.division') }} as is_in_city,
        c.nature_code,
        c.reporting_group,
        g.owner_group,
        c.reporting_group = '企业法人' as is_enterprise,
        c.classified_by,
        c.first_seen_on,
        c.last_seen_on,
        c.mention_count,
        c.name_variants,
        c.seen_in_feeds,
        c.has_name_only_mentions
    from classified as c
    left join groups as g on g.reporting_group = c.reporting_group

)

select * from final
