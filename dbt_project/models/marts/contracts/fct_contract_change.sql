-- One row per 变更 (amendment) or 注销 (cancellation) of a registered contract, as history:
-- what the action set, and how the amounts moved from the version before it.

with

actions as (

    select * from {{ ref('stg_contracts__registration_actions') }}

),

registered as (

    select distinct registration_no
    from actions
    where registration_status = '登记'

),

sequenced as (

    select
        a.*,
        lag(a.contract_amount) over by_time as previous_contract_amount,
        lag(a.technology_amount) over by_time as previous_technology_amount,
        row_number() over by_time as action_sequence
    from actions as a
    inner join registered as r on r.registration_no = a.registration_no
    window by_time as (
        partition by a.registration_no
        order by
            a.registration_date asc, (a.registration_status = '登记') desc,
            a.business_date, a.batch_id asc, a.row_no asc
    )

),

final as (

    select
        registration_no || ':' || action_sequence as change_id,
        registration_no,
        action_sequence::integer as action_sequence,
        registration_status as action,
        registration_date as action_date,
        business_date,
        contract_type,
        contract_subtype,
        contract_amount,
        technology_amount,
        previous_contract_amount,
        previous_technology_amount,
        contract_amount - previous_contract_amount as contract_amount_change,
        technology_amount - previous_technology_amount as technology_amount_change
    from sequenced
    where registration_status in ('变更', '注销')

)

select * from final
