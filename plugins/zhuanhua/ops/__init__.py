"""Operations: the steps the DAGs run, Airflow glue (assets, retry policy, the Cosmos task
group, alerts) and running nights through Airflow for the operator commands."""
