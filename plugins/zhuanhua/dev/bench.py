"""`make bench`: the real load path against bare COPY, on a generated province-scale year,
then `dbt build` of the warehouse over that year, in full and for one more day.

Everything runs in a separate `zhuanhua_bench` database on the warehouse's server, so the
warehouse itself is untouched.
"""

from __future__ import annotations

import dataclasses
import io
import json
import resource
import shutil
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import psycopg

from zhuanhua.build import dbt
from zhuanhua.check import suite
from zhuanhua.check.rules import derive, rules_for
from zhuanhua.check.typed import typed_frame
from zhuanhua.dev.synth import generate
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.errors import FileRejected
from zhuanhua.load.connection import connect, other_database, warehouse_url
from zhuanhua.load.loader import (
    CHECK_CHUNK_ROWS,
    FileVersion,
    already_received,
    load_files,
    raw_frame,
)
from zhuanhua.load.schema import raw_columns
from zhuanhua.ops.orchestrate import WAREHOUSE_DAG, prepare_airflow, run_chain
from zhuanhua.ops.steps import prepare_warehouse
from zhuanhua.progress import Progress
from zhuanhua.read.landing import Landing
from zhuanhua.read.readers import read_file
from zhuanhua.settings import Settings

BENCH_DB = "zhuanhua_bench"


def run_bench(
    settings: Settings,
    scale: str = "province",
    days: int = 365,
    on_progress: Progress | None = None,
) -> dict:
    bench = _bench_settings(settings)
    landing = bench.home / "bench" / "landing"
    shutil.rmtree(landing, ignore_errors=True)
    started = time.perf_counter()
    first = date(2024, 1, 1)
    last = first + timedelta(days=days - 1)
    counts = generate(
        str(landing),
        first,
        days + 1,
        seed=7,
        scale=scale,
        defect_rate=0.01,
        on_progress=on_progress,
    )
    generated = time.perf_counter() - started
    print(
        f"generated {scale} scale, {days} days: {counts['files']} files, {counts['rows']:,} "
        f"rows in {generated:.1f} s ({counts['rows'] / generated:,.0f} rows/s)"
    )
    results = {}
    with connect(bench) as conn:
        _reset(conn, bench)
        for done, (name, feed) in enumerate(FEEDS.items()):
            if on_progress:
                on_progress("bench: feeds loaded", done, len(FEEDS), name)
            files = Landing(str(landing)).files(feed, last)
            validating = suite.SECONDS_VALIDATING[name]
            started = time.perf_counter()
            outcomes = load_files(
                conn,
                feed,
                (Landing(str(landing)).fetch(f, bench.limits.file_bytes) for f in files),
                bench,
            )
            elapsed = time.perf_counter() - started
            rows = sum(o.rows_received for o in outcomes)
            results[name] = {
                "rows": rows,
                "load_s": elapsed,
                "copy_s": _bare_copy(conn, name),
                "validate_s": suite.SECONDS_VALIDATING[name] - validating,
                **_check_peer(conn, feed, Landing(str(landing)), files, bench),
            }
        if on_progress:
            on_progress("bench: feeds loaded", len(FEEDS), len(FEEDS), "then dbt build")
        _print(results)
        results["dbt"] = _bench_dbt(conn, bench, str(landing), last + timedelta(days=1))
    results["memory"] = _peak_memory()
    print(
        f"peak memory: this process {results['memory']['bench_mb']:,.0f} MB, "
        f"its children (dbt) {results['memory']['children_mb']:,.0f} MB"
    )
    if scale == "province":  # the Cosmos figure is the province's; at national it adds an hour
        results["airflow"] = _bench_airflow(bench, last + timedelta(days=1))
    out = bench.home / "bench" / f"results-{scale}.json"
    out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"figures written to {out}")
    return results


def _check_peer(
    conn: psycopg.Connection, feed, landing: Landing, files: list, bench: Settings
) -> dict:
    """The same rules on the same typed rows (the first chunk the loader would check), once
    through the fast path and once through GX's own pandas engine (result format COMPLETE):
    the peer a user of GX's tutorial would get."""
    frame = pd.DataFrame()
    for landed in files:
        delivery = landing.fetch(landed, bench.limits.file_bytes)
        version = FileVersion(feed, landed, delivery.size, delivery.sha256, None)
        try:
            version.table = read_file(feed, landed.name, delivery.data, bench.limits)
        except FileRejected:
            continue
        frame = pd.concat([frame, raw_frame(feed, [version])], ignore_index=True)
        if len(frame) >= CHECK_CHUNK_ROWS:
            break
    typed, _ = typed_frame(feed, frame, bench.limits)
    derive(feed.name, typed, conn)
    rules = rules_for(feed.name, bench.region)
    started = time.perf_counter()
    fast = suite.validate(feed.name, rules, typed, bench.gx_state)
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    by_gx = suite.validate_by_gx(feed.name, rules, typed, bench.gx_state)
    gx_s = time.perf_counter() - started
    same = all(
        {p for p, fs in fast.items() if rule.name in {f.rule for f in fs}}
        == set(by_gx[rule.name].result["unexpected_index_list"] or [])
        for rule in rules
    )
    if not same:
        raise RuntimeError(f"{feed.name}: the fast path and GX disagree on the bench's rows")
    return {"checked_rows": len(typed), "fast_check_s": fast_s, "gx_check_s": gx_s}


def _bench_airflow(bench: Settings, night: date) -> dict:
    """The warehouse DAG (Cosmos watcher mode, under dag.test) against a plain `dbt build`
    of the same project on the same data, each run twice, best of two."""
    prepare_airflow(bench)
    plain, dbt_tasks, dag, process = [], [], [], []
    for _ in range(2):
        started = time.perf_counter()
        dbt.build(bench)
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        [run] = run_chain(bench, [(WAREHOUSE_DAG, night)], "bench-warehouse")
        process.append(time.perf_counter() - started)
        if run.state != "success":
            raise RuntimeError(f"the warehouse DAG failed in the bench; see {run.log_file}")
        dbt_tasks.append(run.dbt_seconds)
        dag.append(run.seconds)
    figures = {
        "plain_s": min(plain),
        "dbt_tasks_s": min(dbt_tasks),
        "dag_s": min(dag),
        "process_s": min(process),
        "tasks": len(run.tasks),
    }
    ratio = figures["dbt_tasks_s"] / figures["plain_s"]
    print(
        f"Airflow + Cosmos: the dbt project as {figures['tasks'] - 2} Airflow tasks "
        f"{figures['dbt_tasks_s']:.1f} s against plain dbt build {figures['plain_s']:.1f} s: "
        f"overhead ratio {ratio:.2f}x (goal <= 1.5x)"
    )
    print(
        f"  the whole warehouse DAG (freshness check and audit record too) "
        f"{figures['dag_s']:.1f} s ({figures['dag_s'] / figures['plain_s']:.2f}x); with "
        f"Airflow's start in a fresh process {figures['process_s']:.1f} s "
        f"({figures['process_s'] / figures['plain_s']:.2f}x)"
    )
    return figures


def _bench_dbt(conn: psycopg.Connection, bench: Settings, landing: str, next_day: date) -> dict:
    """A full `dbt build` over the year, then the next night: its load and an incremental build.
    The database server's temporary files and memory are sampled throughout (ServerPeaks)."""
    with ServerPeaks(bench) as server:
        started = time.perf_counter()
        dbt.run_dbt(bench, "build", "--full-refresh")
        full = time.perf_counter() - started
        started = time.perf_counter()
        for feed in FEEDS.values():  # the night lists the landing area, reads only new files
            files = Landing(landing).files(feed, next_day)
            described = {f.name for f in files} - already_received(conn, feed, files)
            load_files(
                conn,
                feed,
                (
                    Landing(landing).fetch(f, bench.limits.file_bytes)
                    for f in files
                    if f.name in described
                ),
                bench,
            )
        next_load = time.perf_counter() - started
        started = time.perf_counter()
        dbt.build(bench)
        one_day = time.perf_counter() - started
    facts = {
        table: conn.execute(f"select count(*) from marts.{table}").fetchone()[0]
        for table in (
            "fct_technology_contract",
            "dim_patent",
            "fct_patent_event",
            "fct_tech_loan_snapshot",
            "fct_conversion_chain",
        )
    }
    print(
        f"dbt build, full: {full:.1f} s; one more night: load {next_load:.1f} s + build "
        f"{one_day:.1f} s; database temporary files at most {server.temp / 2**20:,.0f} MB, "
        f"the database's own memory at most {server.memory / 2**20:,.0f} MB; "
        + ", ".join(f"{table} {rows:,}" for table, rows in facts.items())
    )
    return {
        "full_s": full,
        "next_night_load_s": next_load,
        "one_day_s": one_day,
        "temp_files_peak_bytes": server.temp,
        "server_memory_peak_bytes": server.memory,
        "rows": facts,
    }


class ServerPeaks:
    """The largest the server's temporary files grew while the block ran, and its backends'
    private memory (the sum of their anonymous RSS, shared buffers left out), sampled twice a
    second on a connection of its own. Memory is read from /proc: the embedded server is a
    process on this machine (a remote server's stays 0). A query's own memory is not bounded
    by work_mem: a hash join that cannot split its batches grew one worker to 7.6 GB."""

    def __init__(self, settings: Settings):
        self.settings, self.temp, self.memory, self._stop = settings, 0, 0, threading.Event()

    def __enter__(self) -> ServerPeaks:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        with connect(self.settings) as conn:
            conn.autocommit = True
            while not self._stop.wait(0.5):
                [(size,)] = conn.execute(
                    "select coalesce(sum(size), 0) from pg_ls_tmpdir()"
                ).fetchall()
                self.temp = max(self.temp, int(size))
                pids = [pid for (pid,) in conn.execute("select pid from pg_stat_activity")]
                self.memory = max(self.memory, sum(_private_memory(pid) for pid in pids))


def _private_memory(pid: int) -> int:
    """A process's anonymous resident memory in bytes; 0 when it is gone or not ours to see."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    kilobytes = next(
        (line.split()[1] for line in status.splitlines() if line.startswith("RssAnon:")), "0"
    )
    return int(kilobytes) * 1024


def _peak_memory() -> dict:
    """Peak resident memory of this process and of its finished children, in MB."""
    return {
        "bench_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _bench_settings(settings: Settings) -> Settings:
    with psycopg.connect(warehouse_url(settings), autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (BENCH_DB,)).fetchone():
            conn.execute(f'create database "{BENCH_DB}"')
    bench_url = other_database(warehouse_url(settings), BENCH_DB)
    return dataclasses.replace(settings, warehouse_url=bench_url)


def _reset(conn: psycopg.Connection, bench: Settings) -> None:
    for schema in (
        "raw",
        "checked",
        "quarantine",
        "audit",
        "bench",
        "staging",
        "intermediate",
        "marts",
        "steward",
        "reference",
    ):
        conn.execute(f"drop schema if exists {schema} cascade")
    conn.execute("create schema bench")
    prepare_warehouse(conn, bench)


def _bare_copy(conn: psycopg.Connection, feed: str) -> float:
    """COPY the same rows, as received, into a plain table: the floor any load pays."""
    columns = raw_columns(FEEDS[feed])
    buffer = io.BytesIO()
    with conn.cursor().copy(f"copy raw.{feed} ({', '.join(columns)}) to stdout") as out:
        for block in out:
            buffer.write(block)
    ddl = ", ".join(f"{c} text" for c in columns)
    conn.execute(f"create table bench.{feed} ({ddl})")
    started = time.perf_counter()
    with conn.cursor().copy(f"copy bench.{feed} from stdin") as copy:
        copy.write(buffer.getvalue())
    return time.perf_counter() - started


def _print(results: dict) -> None:
    print(
        f"{'feed':<14}{'rows':>9}{'load rows/s':>13}{'COPY rows/s':>13}{'ratio':>7}"
        f"{'checks rows/s':>15}{'GX rows/s':>11}{'×GX':>6}"
    )
    total_rows = total_load = total_copy = 0.0
    for feed, r in results.items():
        print(
            f"{feed:<14}{r['rows']:>9,}{r['rows'] / r['load_s']:>13,.0f}"
            f"{r['rows'] / r['copy_s']:>13,.0f}{r['copy_s'] / r['load_s']:>7.3f}"
            f"{r['checked_rows'] / r['fast_check_s']:>15,.0f}"
            f"{r['checked_rows'] / r['gx_check_s']:>11,.0f}"
            f"{r['gx_check_s'] / r['fast_check_s']:>6.1f}"
        )
        total_rows += r["rows"]
        total_load += r["load_s"]
        total_copy += r["copy_s"]
    print(
        f"{'all feeds':<14}{total_rows:>9,.0f}{total_rows / total_load:>13,.0f}"
        f"{total_rows / total_copy:>13,.0f}{total_copy / total_load:>7.3f}"
    )
    print(
        "load = read + type + GX checks + COPY into raw, checked and quarantine, a chunk of "
        "files in one transaction; ratio = load rate / bare COPY rate (goal ≥ 0.5); checks = "
        "the rules on one chunk of the same typed rows, fast path, against GX's pandas engine"
    )
