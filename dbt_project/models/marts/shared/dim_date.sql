-- One row per calendar day, 2000–2040, with the period keys the provincial feed uses.

with

days as (

    select day::date as date_day
    from generate_series('2000-01-01'::date, '2040-12-31'::date, interval '1 day') as day

),

final as (

    select
        date_day,
        extract(year from date_day)::integer as year,
        extract(quarter from date_day)::integer as quarter,
        extract(month from date_day)::integer as month,
        extract(day from date_day)::integer as day_of_month,
        extract(isodow from date_day)::integer as day_of_week,
        date_trunc('month', date_day)::date as month_start,
        (date_trunc('month', date_day) + interval '1 month - 1 day')::date as month_end,
        to_char(date_day, 'YYYYMM') as month_key,
        to_char(date_day, 'YYYY"Q"Q') as quarter_key,
        to_char(date_day, 'YYYY') as year_key,
        to_char(date_day, 'YYYY"年"FMMM"月"') as month_label,
        extract(isodow from date_day) in (6, 7) as is_weekend
    from days

)

select * from final
