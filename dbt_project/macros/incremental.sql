{#- The keys an incremental build must rebuild: those with rows checked since the last build
    (a day's overlap covers loads still committing then), and those whose row in the table
    came from a file version that a correction has since replaced. Rebuilding a key reads
    all its rows again, so a late or corrected file gives what a full refresh gives. -#}
{% macro keys_to_rebuild(source_rows, key) -%}
    select {{ key }} from {{ source_rows }}
    -- an empty table (a first night without rows) rebuilds everything, not nothing
    where checked_at > coalesce((select max(checked_at) - interval '1 day' from {{ this }}),
                                '-infinity'::timestamptz)
    union
    select {{ key }} from {{ this }} as built
    where not exists (
        select 1 from {{ source_rows }} as s
        where s.batch_id = built.batch_id and s.row_no = built.row_no
    )
{%- endmacro %}

{#- After a merge: drop rows whose source row is gone and that nothing replaced. -#}
{% macro delete_vanished_rows(source_relation) -%}
    {% if is_incremental() %}
    delete from {{ this }} as built
    where not exists (
        select 1 from {{ source_relation }} as s
        where s.batch_id = built.batch_id and s.row_no = built.row_no
    )
    {% else %}
    select 1
    {% endif %}
{%- endmacro %}
