"""`zhuanhua export`: one period of the provincial feed, checked, reconciled and versioned."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg.types.json import Jsonb

from zhuanhua import __version__
from zhuanhua.audit.completeness import Waiver, describe, missing_files
from zhuanhua.domain.codes import city_counties, division_name
from zhuanhua.errors import ExportRefused
from zhuanhua.export import files, versions
from zhuanhua.export.contributions import all_contributions
from zhuanhua.export.freshness import stale_marts
from zhuanhua.export.periods import Period, parse_period
from zhuanhua.export.reconcile import reconcile
from zhuanhua.export.specs import table_specs
from zhuanhua.export.tables import BASE, TOTAL, Table, compute
from zhuanhua.load.connection import connect
from zhuanhua.progress import Progress
from zhuanhua.settings import TIMEZONE, Settings


@dataclass
class ExportResult:
    status: str  # written | unchanged
    stem: str
    folder: Path
    changes: int = 0
    waived: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.status == "unchanged":
            return f"unchanged: {self.stem} is current, nothing new was written ({self.folder})"
        extra = f", {self.changes} changed cells (变更清单.csv)" if self.changes else ""
        waived = f", {len(self.waived)} missing files waived" if self.waived else ""
        return f"written {self.stem}{extra}{waived} in {self.folder}"


def export_period(
    settings: Settings,
    period_key: str,
    region: str | None = None,
    out: str | Path | None = None,
    waivers: tuple[Waiver, ...] = (),
    on_progress: Progress | None = None,
) -> ExportResult:
    """Export one period unless it is incomplete, fails reconciliation or has not changed."""
    step = on_progress or (lambda *_, **__: None)
    period = parse_period(period_key)
    region, county = _region(settings.region, region)
    _check_waivers(waivers, period)
    folder = Path(out or settings.home / "exports").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"{region}_{period.key}"
    with connect(settings) as conn, conn.transaction():
        # one consistent view of the warehouse for the tables and their checks
        conn.execute("set transaction isolation level repeatable read")
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"export {prefix}",))
        _fresh(conn, period)
        waived = _complete(conn, period, waivers, settings.loan_banks)
        contributions = all_contributions(conn, period, settings.region, county)
        growth = _growth_base(conn, period, waivers, settings.loan_banks)
        if not growth["computed"]:  # no base: every growth cell empty, the reason in the manifest
            contributions = [c for c in contributions if c.scope != BASE]
        specs = table_specs(settings.region, period.end.year)
        tables = {}
        for done, spec in enumerate(specs):
            step("export: tables", done, len(specs), spec.name)
            tables[spec.name] = compute(spec, contributions)
        step("export: tables", len(specs), len(specs), "reconciling")
        checks = reconcile(conn, tables, contributions, period, county)
        rendered = {name: files.table_csv(table) for name, table in tables.items()}
        previous = versions.latest(folder, prefix)
        if previous and _same_tables(previous, rendered):
            return ExportResult("unchanged", previous.stem, folder)
        version = versions.Version(folder, prefix, previous.number + 1 if previous else 1)
        written, changed = _files(
            version, tables, rendered, contributions, previous, period, region
        )
        manifest = _manifest(
            conn, version, period, region, tables, written, checks, waivers, waived, previous
        )
        manifest["growth"] = growth
        _write(version, written, manifest)
        conn.execute(
            """insert into audit.provincial_export (folder, region, period, version,
               generated_at, manifest_sha256, changed_cells, waivers)
               values (%s, %s, %s, %s, %s, %s, %s, %s)""",
            (
                str(folder),
                region,
                period.key,
                version.number,
                manifest["generated_at"],
                files.sha256(files.manifest_bytes(manifest)),
                changed,
                Jsonb([w.as_json() for w in waivers]),
            ),
        )
    return ExportResult("written", version.stem, folder, changed, [str(m) for m in waived])


def _region(city: str, region: str | None) -> tuple[str, str | None]:
    """The city (everything in the warehouse) or one of its counties (filtered by county)."""
    if region in (None, city):
        return city, None
    counties = city_counties(city)
    if region not in counties:
        listed = ", ".join(f"{code} {name}" for code, name in counties.items())
        raise ExportRefused(
            f"region {region}: export the city {city} or one of its counties ({listed})"
        )
    return region, region


def _fresh(conn: psycopg.Connection, period: Period) -> None:
    stale = stale_marts(conn, period)
    if stale:
        raise ExportRefused(
            f"{period.key}: {stale}; build the warehouse first (the warehouse DAG, or "
            "`zhuanhua run --date …`), then export. Nothing was written."
        )


def _check_waivers(waivers: tuple[Waiver, ...], period: Period) -> None:
    """A waiver covers days of the period, or of its base period (a year before: growth)."""
    base = period.year_before()
    for waiver in waivers:
        if all(waiver.last < p.start or waiver.first > p.end for p in (period, base)):
            raise ExportRefused(
                f"waiver {waiver.first}..{waiver.last} lies outside {period.key} "
                f"({period.start}..{period.end}) and its base period {base.key}"
            )


def _growth_base(
    conn: psycopg.Connection, period: Period, waivers: tuple[Waiver, ...], banks: tuple[str, ...]
) -> dict:
    """Whether year-on-year growth has a base: the base period's files all loaded, or the
    missing ones waived by this export's own waivers (so the same command always gives the
    same figures). A base that was never complete would make growth of a part against a
    whole, so growth is left empty then, with the reason in the manifest."""
    base = period.year_before()
    missing = [  # growth is of contract figures only (tables 1–7)
        m for m in missing_files(conn, base.start, base.end, banks) if m.feed == "contracts"
    ]
    unwaived = [m for m in missing if not any(w.covers(m.day) for w in waivers)]
    found = {
        "base_period": base.key,
        "computed": not unwaived,
        "waived_base_files": len(missing) - len(unwaived),
    }
    if unwaived:
        found["reason"] = (
            f"同比为空：基期 {base.key} 有 {len(unwaived)} 个源文件未加载（首个 "
            f"{unwaived[0].file}，{unwaived[0].day}），基期数据不完整"
        )
    return found


def _complete(
    conn: psycopg.Connection,
    period: Period,
    waivers: tuple[Waiver, ...],
    loan_banks: tuple[str, ...],
) -> list:
    """The waived missing files; refuses the export when any other file is missing."""
    missing = missing_files(conn, period.start, period.end, loan_banks)
    waived = [m for m in missing if any(w.covers(m.day) for w in waivers)]
    unwaived = [m for m in missing if m not in waived]
    if unwaived:
        first = unwaived[0].day
        raise ExportRefused(
            f"{period.key} is incomplete: {len(unwaived)} source files are not loaded:\n"
            f"{describe(unwaived)}\nLoad them (zhuanhua run --date …), or record a deliberate "
            f"exception: --waive {first}[..DATE] --reason TEXT"
        )
    return waived


def _same_tables(previous: versions.Version, rendered: dict[str, bytes]) -> bool:
    try:
        return all(
            previous.file(f"{previous.stem}/{name}.csv") == data for name, data in rendered.items()
        )
    except FileNotFoundError:  # a version someone tampered with: make a new one
        return False


def _files(
    version: versions.Version,
    tables: dict[str, Table],
    rendered: dict[str, bytes],
    contributions: list,
    previous: versions.Version | None,
    period: Period,
    region: str,
) -> tuple[dict[str, bytes], int]:
    """The version's files, and how many cells moved since the previous version."""
    stem = version.stem
    subtitle = f"{division_name(region)} {period.label}"
    generated = datetime.now(ZoneInfo(TIMEZONE))
    written = {f"{stem}.xlsx": files.workbook_bytes(list(tables.values()), subtitle, generated)}
    written |= {f"{stem}/{name}.csv": data for name, data in rendered.items()}
    written[f"{stem}_records.csv"] = files.records_csv(contributions)
    if previous:
        old_tables = {name: previous.file(f"{previous.stem}/{name}.csv") for name in tables}
        rows = versions.change_list(
            old_tables,
            rendered,
            previous.file(f"{previous.stem}_records.csv"),
            written[f"{stem}_records.csv"],
            tables,
        )
        written[f"{stem}/变更清单.csv"] = files.csv_bytes(versions.CHANGE_HEADERS, rows)
        return written, len({tuple(row[:3]) for row in rows})
    return written, 0


def _manifest(
    conn: psycopg.Connection,
    version: versions.Version,
    period: Period,
    region: str,
    tables: dict[str, Table],
    written: dict[str, bytes],
    checks: list[str],
    waivers: tuple[Waiver, ...],
    waived: list,
    previous: versions.Version | None,
) -> dict:
    sources = conn.execute(
        """select feed, file_name, business_date, sha256, rows_loaded from raw.batch_ledger
           where status = 'loaded' and business_date >= %s
           order by business_date, feed, file_name""",
        (period.start,),
    ).fetchall()
    return {
        "region": region,
        "region_name": division_name(region),
        "period": period.key,
        "period_kind": period.kind,
        "period_start": period.start,
        "period_end": period.end,
        "version": version.number,
        "previous_version": previous.stem if previous else None,
        "generated_at": datetime.now(ZoneInfo(TIMEZONE)).isoformat(timespec="seconds"),
        "generator": f"zhuanhua {__version__}",
        "tables": [_table_entry(version, table, written) for table in tables.values()],
        "files": [
            {"path": path, "sha256": files.sha256(data), "bytes": len(data)}
            for path, data in sorted(written.items())
        ],
        "reconciliation": checks,
        "waivers": [w.as_json() for w in waivers],
        "waived_missing_files": [str(m) for m in waived],
        "sources_note": "every file version loaded for business dates from the period's "
        "first day on: later files can carry 变更 and 注销 that count",
        "sources": [
            {
                "feed": feed,
                "file": name,
                "business_date": day,
                "sha256": digest,
                "rows_loaded": rows,
            }
            for feed, name, day, digest, rows in sources
        ],
    }


def _table_entry(version: versions.Version, table: Table, written: dict[str, bytes]) -> dict:
    spec = table.spec
    path = f"{version.stem}/{spec.name}.csv"
    total_row = TOTAL if spec.has_total else None
    totals = (
        {c.header: files.text(table.cell(total_row, c)) for c in spec.columns}
        if total_row
        else {
            row: {c.header: files.text(table.cell(row, c)) for c in spec.columns}
            for row in spec.rows
        }
    )
    entry = {
        "table": spec.name,
        "sheet": spec.sheet,
        "csv": path,
        "rows": len(spec.rows),
        "totals": totals,
        "sha256": files.sha256(written[path]),
    }
    if spec.unlisted:  # the spec's rows do not cover every record the total counts
        entry["in_total_only"] = {
            "what": f"{spec.unlisted}：合计 counts these records, no row of the table lists them",
            "figures": {
                c.header: files.text(table.cell(spec.unlisted, c))
                for c in spec.columns
                if c.kind != "growth"
            },
        }
    return entry


def _write(version: versions.Version, written: dict[str, bytes], manifest: dict) -> None:
    """Into a hidden folder first, then moved into place; the manifest last marks it done."""
    out = version.out
    staging = out / f".{version.stem}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    leftover = out / version.stem  # a crash before its manifest: never complete, never sent
    if leftover.exists() and not version.manifest_path.exists():
        shutil.rmtree(leftover)
    files.write_all(staging, written)
    for path in sorted(staging.iterdir()):
        path.rename(out / path.name)
    staging.rmdir()
    version.manifest_path.write_bytes(files.manifest_bytes(manifest))
