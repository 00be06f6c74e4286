"""Running nights through Airflow for the operator commands (ops/orchestrate.py)."""

from tests.support.cli import zhuanhua_cli


def test_a_run_on_a_home_never_set_up_says_to_set_it_up(tmp_path):
    done = zhuanhua_cli(
        "run",
        "--date",
        "2024-06-03",
        env={"ZHUANHUA_HOME": str(tmp_path), "ZHUANHUA_WAREHOUSE_URL": ""},
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the embedded warehouse" in done.stderr and "`zhuanhua setup`" in done.stderr


def test_a_run_whose_airflow_metadata_was_never_migrated_says_to_set_it_up(settings):
    url = settings.warehouse_url or ""
    metadata = url.rsplit("/", 1)[0] + "/warehouse"  # a database without Airflow's tables
    done = zhuanhua_cli(
        "run",
        "--date",
        "2024-06-03",
        env={
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata.replace(
                "postgresql://", "postgresql+psycopg2://"
            )
        },
    )
    assert done.returncode == 1
    assert "Airflow's metadata database (warehouse) is not set up" in done.stderr
    assert "`zhuanhua setup`" in done.stderr
