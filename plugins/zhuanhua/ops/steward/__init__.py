"""The data steward's console inside Airflow's UI: an Airflow 3 plugin (a FastAPI app the API
server mounts, with Airflow's own login and roles) over the same quarantine functions as
`zhuanhua quarantine`, and the GX Data Docs served from this host only."""
