"""No Docker engine runs here, so the compose file is checked by reading it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
AIRFLOW = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]


def test_the_stack_has_both_databases_and_every_airflow3_component():
    assert set(SERVICES) == {"warehouse-db", "airflow-db", "airflow-init", *AIRFLOW}
    assert [SERVICES[name]["command"] for name in AIRFLOW] == [
        "api-server", "scheduler", "dag-processor", "triggerer"]


def test_images_are_pinned_to_postgres_16_and_airflow_3_3():
    for name in ("warehouse-db", "airflow-db"):
        assert re.fullmatch(r"postgres:16\.\d+", SERVICES[name]["image"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM apache/airflow:3.3.2-python3.11" in dockerfile
    assert "requirements.lock" in dockerfile
    for name in ["airflow-init", *AIRFLOW]:
        assert SERVICES[name]["build"] == "."


def test_the_project_is_mounted_where_airflow_looks():
    for name in ["airflow-init", *AIRFLOW]:
        service = SERVICES[name]
        mounts = {m.split(":")[0]: m.split(":")[1] for m in service["volumes"]}
        for folder in ("./dags", "./plugins", "./dbt_project", "./expectations"):
            assert mounts[folder] == "/opt/zhuanhua/" + folder[2:]
        env = service["environment"]
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/zhuanhua/dags"
        assert env["ZHUANHUA_WAREHOUSE_URL"].endswith("@warehouse-db:5432/warehouse")
        assert "@airflow-db:5432/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert service["depends_on"]["warehouse-db"]["condition"] == "service_healthy"


def test_secrets_come_from_the_env_file_and_none_is_written_in():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z_]+)=", example, flags=re.M))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)\}", text))
    assert used <= defined, f"not in .env.example: {used - defined}"
    for service in SERVICES.values():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|FERNET|_KEY$", key):
                assert re.fullmatch(r"\$\{[A-Z_]+\}", str(value)), f"{key} is hard-coded"
    assert ".env" in (ROOT / ".gitignore").read_text().split()
