"""What of the compose file a reading can check; tests/stack/ starts its services for real."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
AIRFLOW = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]
CELERY = {"redis", "airflow-worker", "flower"}


def test_the_stack_has_both_databases_and_every_airflow3_component():
    assert set(SERVICES) == {"warehouse-db", "airflow-db", "airflow-init", *AIRFLOW, *CELERY}
    default = {name for name, service in SERVICES.items() if "profiles" not in service}
    assert default == {"warehouse-db", "airflow-db", "airflow-init", *AIRFLOW}
    assert [SERVICES[name]["command"] for name in AIRFLOW] == [
        "api-server",
        "scheduler",
        "dag-processor",
        "triggerer",
    ]


def test_images_are_pinned_to_postgres_16_and_airflow_3_3():
    for name in ("warehouse-db", "airflow-db"):
        assert re.fullmatch(r"postgres:16\.\d+", SERVICES[name]["image"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM apache/airflow:3.3.2-python3.11" in dockerfile
    assert "requirements.lock" in dockerfile
    for name in ["airflow-init", *AIRFLOW, "airflow-worker"]:
        assert SERVICES[name]["build"] == "."


def test_the_project_is_mounted_where_airflow_looks():
    for name in ["airflow-init", *AIRFLOW]:
        service = SERVICES[name]
        mounts = {m.split(":")[0]: m.split(":")[1] for m in service["volumes"]}
        for folder in ("./dags", "./plugins", "./dbt_project", "./expectations"):
            assert mounts[folder] == "/opt/zhuanhua/" + folder[2:]
        env = service["environment"]
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/zhuanhua/dags"
        assert env["ZHUANHUA_WAREHOUSE_CONN_ID"] == "zhuanhua_warehouse"
        assert env["AIRFLOW_CONN_ZHUANHUA_WAREHOUSE"].endswith("@warehouse-db:5432/warehouse")
        assert "PYTHONPATH" not in env  # the package is installed in the image
        assert "healthcheck" in service or name == "airflow-init"
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


def test_the_celery_profile_adds_a_redis_broker_and_workers_that_scale():
    for name in CELERY:
        assert SERVICES[name]["profiles"] == ["celery"]
    worker = SERVICES["airflow-worker"]
    assert worker["command"] == "celery worker"
    assert "container_name" not in worker and "ports" not in worker  # --scale needs neither
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    env = worker["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"
    assert "@airflow-db:5432/airflow" in env["AIRFLOW__CELERY__RESULT_BACKEND"]
    assert "CELERY" in (ROOT / "docs" / "operations.md").read_text().upper()
    pins = (ROOT / "requirements.lock").read_text().split()
    assert "apache-airflow-providers-celery==3.26.0" in pins  # one lock for image and tests
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --no-deps /opt/zhuanhua" in dockerfile
    assert "zhuanhua/" in (ROOT / "plugins" / ".airflowignore").read_text().split()


def test_no_secret_is_written_in_the_repository():
    import subprocess

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    pattern = re.compile(
        r"postgres(?:ql)?(?:\+\w+)?://\w+:(?!\$\{)[^@\s/]+@"
        r"|(?:PASSWORD|SECRET|TOKEN)[ \t]*[:=][ \t]*['\"]?(?!\$)"
        r"[A-Za-z0-9+/_-]{8,}"
    )
    found = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {
            ".py",
            ".yml",
            ".yaml",
            ".toml",
            ".cfg",
            ".ini",
            ".sh",
            ".md",
        } or path.name in {"Makefile", "Dockerfile", ".env.example"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []


def test_the_stack_has_the_same_logins_and_steward_roles_as_the_local_setup(settings):
    from zhuanhua.ops.orchestrate import airflow_env

    stack = SERVICES["airflow-apiserver"]["environment"]
    local = airflow_env(settings)
    for name in ("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "ZHUANHUA_STEWARD_ROLES"):
        assert stack[name] == local[name], name
