"""`zhuanhua db …` on a second, private home: a real PostgreSQL 16 started and stopped."""

import psycopg

from tests.support.cli import zhuanhua_cli


def test_start_status_url_stop_and_restart_on_the_same_port(tmp_path):
    env = {"ZHUANHUA_HOME": str(tmp_path / "home"), "ZHUANHUA_WAREHOUSE_URL": ""}
    started = zhuanhua_cli("db", "start", env=env)
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    assert url.startswith("postgresql://zhuanhua@127.0.0.1:") and url.endswith("/warehouse")
    try:
        assert zhuanhua_cli("db", "url", env=env).stdout.strip() == url
        assert zhuanhua_cli("db", "status", env=env).stdout.startswith("running at ")
        with psycopg.connect(url) as conn:
            version = conn.execute("show server_version_num").fetchone()[0]
            assert int(version) >= 160000
            databases = {r[0] for r in conn.execute("select datname from pg_database")}
            assert {"warehouse", "airflow"} <= databases
    finally:
        assert zhuanhua_cli("db", "stop", env=env).stdout.strip() == "stopped"
    stopped = zhuanhua_cli("db", "status", env=env)
    assert (stopped.returncode, stopped.stdout.strip()) == (3, "not running")
    again = zhuanhua_cli("db", "start", env=env)
    assert again.stdout.strip() == url  # the remembered port, so URLs stay valid
    assert zhuanhua_cli("db", "stop", env=env).returncode == 0


def test_url_before_any_start_says_what_to_do(tmp_path):
    env = {"ZHUANHUA_HOME": str(tmp_path / "never"), "ZHUANHUA_WAREHOUSE_URL": ""}
    done = zhuanhua_cli("db", "url", env=env)
    assert done.returncode == 1
    assert "run `zhuanhua db start`" in done.stderr and "Traceback" not in done.stderr
