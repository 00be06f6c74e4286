"""What people read: the dashboards' bundle for Superset, built from the marts' dbt docs."""
