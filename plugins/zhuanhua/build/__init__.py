"""Building the warehouse: dbt run against the loaded layers (staging, intermediate,
marts)."""
