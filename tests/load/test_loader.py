import dataclasses
import hashlib
import json
from datetime import date, timedelta

import psycopg
import pytest

from tests.support import poison
from tests.support.ledger import ledger
from zhuanhua.dev.synth import generate
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.errors import FilesHeld, LoadBusy, NotHeld
from zhuanhua.load import loader
from zhuanhua.load.connection import connect
from zhuanhua.load.decisions import Actor
from zhuanhua.load.locks import feed_lock
from zhuanhua.load.schema import checked_columns, ensure_schema, raw_columns
from zhuanhua.ops.steps import load_feed
from zhuanhua.read.landing import Landing

START = date(2024, 6, 3)
LAST = date(2024, 6, 5)
STEWARD = Actor("steward", "console")


def snapshot(conn) -> dict[str, list[tuple]]:
    """Warehouse state without ids and times, which legitimately differ between runs."""
    return {
        "ledger": conn.execute(
            """select file_name, sha256, status, rows_received, rows_loaded, rows_quarantined
               from raw.batch_ledger order by file_name, sha256"""
        ).fetchall(),
        "raw": conn.execute(
            """select l.file_name, r.row_no, r.registration_no, r.contract_amount
               from raw.contracts r join raw.batch_ledger l using (batch_id)
               order by 1, 2"""
        ).fetchall(),
        "checked": conn.execute(
            """select business_date, row_no, registration_no, registration_status,
                      contract_amount, technology_amount
               from checked.contracts order by 1, 2"""
        ).fetchall(),
        # rows still held; a row held for a reference that arrived later is 'released',
        # an audit record of the wait that only out-of-order delivery leaves
        "quarantine": conn.execute(
            """select l.file_name, q.row_no, q.status, q.failures
               from quarantine.held_row q join raw.batch_ledger l using (batch_id)
               where q.status <> 'released' order by 1, 2"""
        ).fetchall(),
    }


def test_every_row_is_loaded_or_quarantined_exactly_as_the_ground_truth(
    warehouse, landing, landing_settings
):
    generate(str(landing), START, 3, seed=11, defect_rate=0.1)
    for feed in FEEDS:
        load_feed(feed, LAST, landing_settings)
    truth = {
        (t["file"], t["row"]): t["rule"]
        for t in map(json.loads, (landing / "ground_truth.jsonl").read_text().splitlines())
    }
    held = warehouse.execute(
        """select l.file_name, q.row_no, q.failures from quarantine.held_row q
           join raw.batch_ledger l using (batch_id)"""
    ).fetchall()
    assert {(f, r) for f, r, _ in held} == set(truth)
    for file_name, row_no, failures in held:
        assert truth[(file_name, row_no)] in {f["rule"] for f in failures}
    for feed in FEEDS:
        batches = warehouse.execute(
            f"""select l.rows_received, l.rows_loaded, l.rows_quarantined,
                       (select count(*) from raw.{feed} r where r.batch_id = l.batch_id),
                       (select count(*) from checked.{feed} c where c.batch_id = l.batch_id)
                from raw.batch_ledger l where l.feed = %s""",
            (feed,),
        ).fetchall()
        assert batches, feed
        for received, loaded, quarantined, raw, checked in batches:
            assert received == loaded + quarantined == raw
            assert checked == loaded


def test_the_same_file_twice_changes_nothing(warehouse, landing, landing_settings):
    generate(str(landing), START, 3, seed=12)
    for feed in FEEDS:
        load_feed(feed, LAST, landing_settings)
    before = snapshot(warehouse), every_table(warehouse)
    for feed in FEEDS:
        outcome = load_feed(feed, LAST, landing_settings)
        assert {f["status"] for f in outcome["files"]} == {"skipped"}
    assert (snapshot(warehouse), every_table(warehouse)) == before


def empty_layers(conn) -> None:
    """Back to an empty landing side, to load the same files a second way."""
    for schema in ("raw", "checked", "quarantine"):
        conn.execute(f"drop schema {schema} cascade")
    ensure_schema(conn)


def every_table(conn) -> dict[str, list[tuple]]:
    """Each feed's raw and checked rows by file and row (no ids, no load times)."""
    state = {}
    for name, feed in FEEDS.items():
        for layer, columns in (("raw", raw_columns(feed)), ("checked", checked_columns(feed))):
            listed = ", ".join(f"t.{c}" for c in columns)
            state[f"{layer}.{name}"] = conn.execute(
                f"""select l.file_name, t.row_no, {listed} from {layer}.{name} t
                    join raw.batch_ledger l using (batch_id) order by 1, 2"""
            ).fetchall()
    return state


def test_files_committed_together_end_as_files_committed_one_by_one(
    warehouse, landing, landing_settings, monkeypatch
):
    """A chunk's files share one transaction and one COPY per table; the same chunk refused
    together is committed file by file, which must give the same ledger, rows, quarantine
    and warnings."""
    generate(str(landing), START, 3, seed=12, defect_rate=0.1)
    commits, commit = [], loader._commit

    def counted(conn, versions, hold_share):
        commits.append(len(versions))
        return commit(conn, versions, hold_share)

    monkeypatch.setattr(loader, "_commit", counted)
    for feed in FEEDS:
        load_feed(feed, LAST, landing_settings)
    assert max(commits) > 1  # files were committed together
    together = snapshot(warehouse), every_table(warehouse), _warnings(warehouse)
    empty_layers(warehouse)
    commits.clear()

    def one_by_one(conn, versions, hold_share):  # the same chunks, checked as before
        if len(versions) > 1:
            raise psycopg.errors.CheckViolation("refused together")  # each file alone then
        return counted(conn, versions, hold_share)

    monkeypatch.setattr(loader, "_commit", one_by_one)
    for feed in FEEDS:
        load_feed(feed, LAST, landing_settings)
    assert set(commits) == {1}
    assert (snapshot(warehouse), every_table(warehouse), _warnings(warehouse)) == together


def _warnings(conn) -> list[tuple]:
    return conn.execute(
        """select l.file_name, w.row_no, w.rule, w."column", w.message, l.batch_warnings
           from quarantine.warning w join raw.batch_ledger l using (batch_id) order by 1, 2, 3"""
    ).fetchall()


def test_out_of_order_days_end_as_in_order(warehouse, landing, landing_settings):
    generate(str(landing), START, 3, seed=13, defect_rate=0.05)
    for day in (START, date(2024, 6, 4), LAST):
        for feed in FEEDS:
            load_feed(feed, day, landing_settings)
    in_order = snapshot(warehouse), every_table(warehouse)
    empty_layers(warehouse)
    source = Landing(str(landing))
    for feed in FEEDS.values():
        for landed in reversed(source.files(feed)):  # the last day arrives first
            data = source.fetch(landed, landing_settings.limits.file_bytes).data
            loader.load_file(warehouse, feed, landed, data, landing_settings)
    assert (snapshot(warehouse), every_table(warehouse)) == in_order
    released = warehouse.execute(
        "select failures from quarantine.held_row where status = 'released'"
    ).fetchall()
    assert all(f["rule"].endswith(".unknown_reference") for (fs,) in released for f in fs)


def test_a_correction_replaces_the_earlier_version_which_stays_traceable(
    warehouse, landing, landing_settings
):
    generate(str(landing), START, 2, seed=14, defect_rate=0)
    load_feed("contracts", START, landing_settings)
    path = landing / "contracts" / "contracts_20240604.csv"
    load_feed("contracts", date(2024, 6, 4), landing_settings)
    original = path.read_bytes()
    text = original.decode("gb18030")
    lines = text.split("\r\n")
    corrected_text = "\r\n".join([*lines[:-2], ""])  # the corrected file drops its last row
    path.write_bytes(corrected_text.encode("gb18030"))
    load_feed("contracts", date(2024, 6, 4), landing_settings)
    versions = warehouse.execute(
        """select batch_id, status, superseded_by, rows_received from raw.batch_ledger
           where file_name = 'contracts_20240604.csv' order by batch_id"""
    ).fetchall()
    (old_id, old_status, old_by, old_rows), (new_id, new_status, _, new_rows) = versions
    assert (old_status, old_by, new_status) == ("superseded", new_id, "loaded")
    assert new_rows == old_rows - 1
    assert warehouse.execute(
        "select count(*) from checked.contracts where batch_id = %s", (old_id,)
    ).fetchone() == (0,)
    assert warehouse.execute(
        "select count(*) from raw.contracts where batch_id = %s", (old_id,)
    ).fetchone() == (old_rows,)


def test_an_unreadable_file_is_rejected_with_its_name_and_the_night_goes_on(
    warehouse, landing, landing_settings
):
    generate(str(landing), START, 3, seed=15)
    (landing / "contracts" / "contracts_20240604.csv").write_bytes(b"\x81\x30\xff\xfe" * 40)
    outcome = load_feed("contracts", LAST, landing_settings)
    statuses = {f["file_name"]: f["status"] for f in outcome["files"]}
    assert statuses == {
        "contracts_20240603.xlsx": "loaded",
        "contracts_20240604.csv": "rejected",
        "contracts_20240605.csv": "loaded",
    }
    status, error = warehouse.execute(
        """select status, error from raw.batch_ledger
           where file_name = 'contracts_20240604.csv'"""
    ).fetchone()
    assert status == "rejected"
    assert error.startswith("contracts_20240604.csv: rejected whole: encoding could not be decided")


@pytest.mark.parametrize(
    ("chunk_rows", "files_kept"),
    [(1, 1), (loader.CHECK_CHUNK_ROWS, 0)],
    ids=["a chunk per file: the first file stays", "one chunk: nothing of it stays"],
)
def test_a_load_killed_mid_copy_leaves_no_partial_batch(
    warehouse, landing, landing_settings, monkeypatch, chunk_rows, files_kept
):
    generate(str(landing), START, 2, seed=16, defect_rate=0.1)
    for feed in FEEDS:
        load_feed(feed, LAST, landing_settings)
    clean = snapshot(warehouse), every_table(warehouse)
    empty_layers(warehouse)

    calls = {"n": 0}
    copy_quarantine = loader._copy_quarantine

    def crash_on_the_last_file(conn, loaded):
        calls["n"] += 1
        if calls["n"] == files_kept + 1:  # raw and checked rows of the file(s) are copied
            raise ConnectionError("connection lost during COPY")
        return copy_quarantine(conn, loaded)

    monkeypatch.setattr(loader, "CHECK_CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr(loader, "_copy_quarantine", crash_on_the_last_file)
    with pytest.raises(ConnectionError):
        load_feed("contracts", LAST, landing_settings)
    partial = warehouse.execute("select file_name, rows_received from raw.batch_ledger").fetchall()
    assert len(partial) == files_kept  # whole files committed, the rest left no trace
    kept = sum(rows for _, rows in partial)
    assert warehouse.execute("select count(*) from raw.contracts").fetchone() == (kept,)
    monkeypatch.undo()
    for feed in FEEDS:
        load_feed(feed, LAST, landing_settings)
    assert (snapshot(warehouse), every_table(warehouse)) == clean


def test_a_file_far_smaller_than_recent_ones_is_flagged_but_loaded(
    warehouse, landing, landing_settings
):
    from tests.support.contract_files import action
    from zhuanhua.dev.synth.contracts import HEADERS
    from zhuanhua.dev.synth.files import table_bytes

    for day in range(1, 8):  # a week of 20-row files, then a file of 2 rows
        rows = 2 if day == 7 else 20
        actions = [
            action(f"20245105{day:02d}{i:06d}", "登记", date(2024, 6, day)) for i in range(rows)
        ]
        kind, data = table_bytes(HEADERS, actions, 1)
        (landing / "contracts").mkdir(exist_ok=True)
        (landing / "contracts" / f"contracts_202406{day:02d}.{kind}").write_bytes(data)
        load_feed("contracts", date(2024, 6, day), landing_settings)
    flagged = warehouse.execute(
        "select file_name, status, batch_warnings from raw.batch_ledger "
        "where batch_warnings <> '{}'"
    ).fetchall()
    assert [(f, s) for f, s, _ in flagged] == [("contracts_20240607.csv", "loaded")]
    assert "2 rows against 20 on average" in flagged[0][2][0]


def test_a_contract_in_the_top_percent_of_the_warehouse_is_loaded_with_a_warning(
    warehouse, landing, landing_settings
):
    from decimal import Decimal

    from tests.support.contract_files import action
    from zhuanhua.dev.synth.contracts import HEADERS
    from zhuanhua.dev.synth.files import table_bytes

    history = [action(f"2024510501{i:06d}", "登记", date(2024, 6, 1)) for i in range(120)]
    big = action(
        "2024510502000001",
        "登记",
        date(2024, 6, 2),
        **{"合同成交额（万元）": Decimal("900"), "技术交易额（万元）": Decimal("800")},
    )
    (landing / "contracts").mkdir()
    for day, rows in ((1, history), (2, [big])):
        kind, data = table_bytes(HEADERS, rows, 1)
        (landing / "contracts" / f"contracts_202406{day:02d}.{kind}").write_bytes(data)
        load_feed("contracts", date(2024, 6, day), landing_settings)
    warned = warehouse.execute("select rule from quarantine.warning").fetchall()
    assert ("contracts.top_percent_amount",) in warned
    assert warehouse.execute("select count(*) from checked.contracts").fetchone() == (121,)


# No delivery can stop the load: each poison beside good files, whatever its bytes.


def ledger_of(conn) -> dict[str, tuple]:
    return {
        name: (status, error or "", received, loaded, quarantined, held)
        for name, status, error, received, loaded, quarantined, held in conn.execute(
            """select file_name, status, error, rows_received, rows_loaded, rows_quarantined,
                      rows_held from raw.batch_ledger"""
        )
    }


@pytest.mark.parametrize("feed", ["contracts", "patents"])
def test_every_poison_ends_in_the_ledger_and_the_good_files_load(
    warehouse, landing, landing_settings, feed
):
    delivered = poison.deliver(landing, feed)
    good_day = poison.FIRST_DAY + timedelta(days=len(delivered))
    good_name = f"contracts_{good_day:%Y%m%d}.csv"
    if feed == "contracts":
        (landing / "contracts" / good_name).write_bytes(
            poison.contract_csv(poison.good_rows(good_day))
        )
    load_feed(feed, good_day, landing_settings)
    ledger = ledger_of(warehouse)
    for name, expected in delivered.items():
        status, error, received, loaded, quarantined, held = ledger[name]
        assert status == expected.status, (name, error)
        assert received == loaded + quarantined + held, name
        if status == "rejected":
            assert expected.names in error and error.startswith(name), error
        else:
            rules = warehouse.execute(
                """select q.failures from quarantine.held_row q
                   join raw.batch_ledger l using (batch_id) where l.file_name = %s""",
                (name,),
            ).fetchall()
            assert expected.names in json.dumps(rules, ensure_ascii=False), rules
            assert loaded >= 1, name
    if feed == "contracts":
        assert ledger[good_name][0] == "loaded"


def test_a_file_over_the_size_limit_is_rejected_unread_and_recorded_once(
    warehouse, landing, landing_settings
):
    day = poison.FIRST_DAY
    data = poison.contract_csv(poison.good_rows(day, count=20))
    (landing / "contracts").mkdir()
    (landing / "contracts" / f"contracts_{day:%Y%m%d}.csv").write_bytes(data)
    small = dataclasses.replace(
        landing_settings, limits=dataclasses.replace(landing_settings.limits, file_bytes=1000)
    )
    load_feed("contracts", day, small)
    load_feed("contracts", day, small)  # the same bytes again: nothing new
    rows = warehouse.execute("select status, error, sha256 from raw.batch_ledger").fetchall()
    assert len(rows) == 1 and rows[0][0] == "rejected"
    assert f"{len(data)} bytes, more than 1000 (ZHUANHUA_MAX_FILE_BYTES)" in rows[0][1]
    assert rows[0][2] == hashlib.sha256(data).hexdigest()


def only_the_middle_day_rejected(conn, cause: str) -> None:
    """Of three days' contracts files, the middle one rejected with `cause`, the others loaded."""
    ledger = ledger_of(conn)
    middle = next(v for k, v in ledger.items() if k.startswith("contracts_20240604"))
    assert middle[0] == "rejected" and cause in middle[1], middle
    assert sorted(v[0] for v in ledger.values()) == ["loaded", "loaded", "rejected"]


def test_a_reader_that_crashes_on_one_file_rejects_that_file_only(
    warehouse, landing, landing_settings, monkeypatch
):
    generate(str(landing), START, 3, seed=5, defect_rate=0.0)
    real = loader.read_file

    def crashing(feed, name, data, limits):
        if name.startswith("contracts_20240604"):
            raise IndexError("list index out of range")
        return real(feed, name, data, limits)

    monkeypatch.setattr(loader, "read_file", crashing)
    load_feed("contracts", LAST, landing_settings)
    only_the_middle_day_rejected(warehouse, "unreadable (IndexError: list index out of range)")


def test_a_file_the_database_refuses_is_rolled_back_and_rejected_and_the_rest_load(
    warehouse, landing, landing_settings, monkeypatch
):
    generate(str(landing), START, 3, seed=5, defect_rate=0.0)
    real = loader._copy_checked

    def refusing(conn, loaded):
        real(conn, loaded)
        if any(v.landed.name.startswith("contracts_20240604") for _, v in loaded):
            raise psycopg.errors.NumericValueOutOfRange("numeric field overflow")

    monkeypatch.setattr(loader, "_copy_checked", refusing)
    load_feed("contracts", LAST, landing_settings)
    only_the_middle_day_rejected(warehouse, "could not be stored (NumericValueOutOfRange")
    left = warehouse.execute(
        """select count(*) from checked.contracts c join raw.batch_ledger l using (batch_id)
           where l.status <> 'loaded'"""
    ).fetchone()[0]
    assert left == 0  # nothing of the refused file stayed behind


def test_a_second_load_of_the_same_feed_at_once_is_refused_clearly(
    warehouse, landing, landing_settings, settings
):
    generate(str(landing), START, 1, seed=5, defect_rate=0.0)
    with connect(settings) as other, feed_lock(other, "contracts"):
        with pytest.raises(LoadBusy, match="another load of contracts is running"):
            load_feed("contracts", START, landing_settings)
        load_feed("loans", START, landing_settings)  # another feed is not held up
    assert load_feed("contracts", START, landing_settings)["files"][0]["status"] == "loaded"


def test_events_before_their_patents_are_early_not_broken(warehouse, landing, landing_settings):
    """More than the hold share of a file waiting for references: the file loads, its rows
    wait, and the patents' file releases them (sources.md: out of order ends as in order)."""
    generate(str(landing), START, 3, seed=9, defect_rate=0.0)
    strict = dataclasses.replace(landing_settings, hold_share=0.2)
    events = load_feed("patent_events", LAST, strict)
    assert all(f["status"] == "loaded" for f in events["files"])
    waiting = warehouse.execute(
        "select count(*) from quarantine.held_row where status = 'held'"
    ).fetchone()[0]
    assert waiting > 0
    load_feed("patents", LAST, strict)
    still = warehouse.execute(
        """select failures from quarantine.held_row where status = 'held'
           and failures::text like '%%unknown_reference%%'"""
    ).fetchall()
    assert still == []


def test_a_held_file_is_released_by_the_steward_whole(warehouse, landing, landing_settings):
    day = poison.FIRST_DAY
    rows = poison.good_rows(day, count=12)
    for row in rows[:4]:
        row["技术领域"] = "不存在的领域"
    (landing / "contracts").mkdir()
    (landing / "contracts" / f"contracts_{day:%Y%m%d}.csv").write_bytes(poison.contract_csv(rows))
    strict = dataclasses.replace(landing_settings, hold_share=0.2)
    with pytest.raises(FilesHeld):
        load_feed("contracts", day, strict)
    [(batch_id, *_)] = loader.held_files(warehouse)
    outcome = loader.release_held_file(warehouse, batch_id, strict, STEWARD)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 8, 4)
    ledger = ledger_of(warehouse)[f"contracts_{day:%Y%m%d}.csv"]
    assert ledger[0] == "loaded" and ledger[2:] == (12, 8, 4, 0)
    with pytest.raises(NotHeld):
        loader.release_held_file(warehouse, batch_id, strict, STEWARD)


def test_the_ledger_itself_refuses_two_loaded_versions_of_one_file(warehouse):
    ledger(warehouse, "contracts", "contracts_20240603.csv", "loaded")
    with pytest.raises(psycopg.errors.ExclusionViolation):
        ledger(warehouse, "contracts", "contracts_20240603.csv", "loaded", error="v2")
