"""The command line as operators and the compose stack run it (cli/)."""

import subprocess
import sys

import pytest
import yaml

from tests.support.cli import zhuanhua_cli
from zhuanhua.cli import parser
from zhuanhua.settings import PROJECT_ROOT


def commands() -> list[list[str]]:
    """Every command and sub-command the parser knows, as argument lists."""
    found = []

    def walk(prefix, node):
        for action in node._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, child in action.choices.items():
                    found.append([*prefix, name])
                    walk([*prefix, name], child)

    walk([], parser())
    return found


def test_compose_airflow_init_command_sets_up_the_warehouse_and_airflow(airflow_ready):
    """The command of the compose stack's airflow-init service, as the file writes it (its
    `python` is the image's, here this environment's), against the suite's servers."""
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    command = compose["services"]["airflow-init"]["command"]
    assert command[:3] == ["python", "-m", "zhuanhua.cli"]
    done = subprocess.run(
        [sys.executable, *command[1:]], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "warehouse schemas, roles, dbt's manifest and Airflow metadata are ready" in done.stdout


def test_the_module_form_runs_as_compose_runs_it():
    done = subprocess.run(
        [sys.executable, "-m", "zhuanhua.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for command in ("setup", "run", "export", "quarantine", "access", "sqlfluff"):
        assert command in done.stdout


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_every_command_has_its_help(command, capsys):
    with pytest.raises(SystemExit) as finished:
        parser().parse_args([*command, "--help"])
    assert finished.value.code == 0
    assert "usage: zhuanhua" in capsys.readouterr().out


def test_an_expected_error_is_one_line_and_exit_1():
    done = zhuanhua_cli("report", "--date", "2024-06-03", env={"ZHUANHUA_REGION": "51050"})
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "zhuanhua: error: ZHUANHUA_REGION must be a 6-digit division code, got '51050'"
    )


def test_a_backfill_that_ends_before_it_starts_is_refused_without_a_traceback():
    done = zhuanhua_cli("backfill", "--start", "2024-06-05", "--end", "2024-06-03")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "--end 2024-06-03 is before --start 2024-06-05" in done.stderr


def test_a_bad_date_argument_is_a_usage_error():
    done = zhuanhua_cli("run", "--date", "2024-6-3x")
    assert done.returncode == 2 and "not a date in YYYY-MM-DD form" in done.stderr
