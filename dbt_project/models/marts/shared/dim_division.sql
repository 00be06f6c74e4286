-- One row per GB/T 2260 division code, under its latest name and with the years it was
-- valid, its parents, whether it is in the deployment's city, and the development zones it
-- hosts (zones have no code of their own, domain.md §1). A code reused after a gap shows its
-- latest stretch; the seed keeps every stretch.

with

stretches as (

    select * from {{ ref('divisions') }}

),

divisions as (

    select distinct on (division_code) *
    from stretches
    order by division_code asc, valid_from desc nulls last

),

zones as (

    select * from {{ ref('development_zones') }}

),

hosted as (

    select
        host_division,
        string_agg(zone_name, '、' order by zone_code) as zone_names
    from zones
    group by host_division

),

final as (

    select
        d.division_code,
        d.division_name,
        d.level as division_level,
        d.parent_code,
        d.valid_from,
        d.valid_to,
        d.valid_to is null as is_current,
        case d.level
            when 'province' then d.division_code
            when 'city' then d.parent_code
            else coalesce(parent.parent_code, d.parent_code)
        end as province_code,
        case d.level
            when 'city' then d.division_code
            when 'county' then d.parent_code
        end as city_code,
        case d.level when 'county' then d.division_code end as county_code,
        {{ is_in_city('d.division_code') }} as is_in_city,
        (d.level = 'county' and {{ is_in_city('d.division_code') }}) as is_city_county,
        hosted.zone_names as development_zones
    from divisions as d
    left join divisions as parent on parent.division_code = d.parent_code
    left join hosted on hosted.host_division = d.division_code

)

select * from final
