"""Generated and mutated deliveries of every feed through the real load path (hypothesis).

Whatever the bytes (truncated, bit-flipped, re-encoded, oversized cells, deep JSON, sparse
XLSX, NULs, absurd numbers, permuted headers, garbage), after each file: no exception
escapes, the ledger has the file, received = loaded + quarantined + held, and no batch is
half written. Seeded (derandomized), so a run is repeatable; the nasty cases found are kept
under tests/corpus/ and loaded by the second test.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support import poison
from zhuanhua.dev.synth import generate
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.load.loader import load_files
from zhuanhua.read.landing import Delivery, LandedFile

EXAMPLES = 120  # about a minute on two cores
DAYS = itertools.count()  # each case is a file of a day of its own: never a repeat


def bases(folder: Path) -> list[tuple[str, str, bytes]]:
    """One generated day of every feed, each file a base to mutate: (feed, extension, bytes)."""
    generate(str(folder), date(2024, 6, 3), 1, seed=31, defect_rate=0.1)
    found = []
    for feed in FEEDS.values():
        for path in sorted((folder / feed.folder).glob(f"{feed.name}_*")):
            if feed.business_date(path.name):
                found.append((feed.name, path.suffix.lstrip("."), path.read_bytes()))
    return found


def truncate(data: bytes, at: int) -> bytes:
    return data[: at % (len(data) + 1)]


def flip(data: bytes, at: int) -> bytes:
    if not data:
        return data
    position = at % len(data)
    return data[:position] + bytes([data[position] ^ (1 << (at % 8))]) + data[position + 1 :]


def reencode(data: bytes, at: int) -> bytes:
    encoding = ("gb18030", "utf-16", "latin-1", "utf-8-sig")[at % 4]
    return data.decode("utf-8", errors="replace").encode(encoding, errors="replace")


def oversize(data: bytes, at: int) -> bytes:
    cell = "长" * (40_000 + at % 1000)
    text = data.decode("utf-8", errors="replace")
    return re.sub(r'(,|": ")', lambda m: m[0] + cell, text, count=1).encode("utf-8")


def deepen(data: bytes, at: int) -> bytes:
    depth = 40 + at % 5000
    return data + ('{"x": ' + "[" * depth + "]" * depth + "}\n").encode()


def sparse(data: bytes, at: int) -> bytes:
    return poison.poisons()[1].data


def nul(data: bytes, at: int) -> bytes:
    position = at % (len(data) + 1)
    return data[:position] + (b"\x00", b"\\u0000")[at % 2] + data[position:]


def absurd(data: bytes, at: int) -> bytes:
    number = (b"9" * 30, b"1e400", b"-0.0000001", b"NaN", b"100000000000000")[at % 5]
    return re.sub(rb"\d+(\.\d+)?", number, data, count=1 + at % 3)


def permute(data: bytes, at: int) -> bytes:
    head, _, rest = data.partition(b"\n")
    cells = head.split(b",")
    shift = at % max(len(cells), 1)
    return b",".join(cells[shift:] + cells[:shift]) + b"\n" + rest


def garbage(data: bytes, at: int) -> bytes:
    return bytes((at * 7919 + i * 104729) % 256 for i in range(at % 3000))


MUTATIONS = (truncate, flip, reencode, oversize, deepen, sparse, nul, absurd, permute, garbage)


@pytest.fixture(scope="module")
def base_files(tmp_path_factory) -> list[tuple[str, str, bytes]]:
    return bases(tmp_path_factory.mktemp("fuzz-bases"))


def check_one(conn, settings, feed_name: str, extension: str, data: bytes) -> str:
    """Load one file alone; the ledger must account for every row of it."""
    feed = FEEDS[feed_name]
    day = date(2030, 1, 1) + timedelta(days=next(DAYS))
    name = feed.file_path(day, extension, bank_code="FUZZ").rsplit("/", 1)[1]
    landed = LandedFile(feed.name, name, f"fuzz://{name}", day)
    [outcome] = load_files(conn, feed, [Delivery.of(landed, data)], settings)
    assert outcome.status in ("loaded", "held", "rejected"), outcome
    batch_id, status, received, loaded, quarantined, held = conn.execute(
        """select batch_id, status, rows_received, rows_loaded, rows_quarantined, rows_held
           from raw.batch_ledger where file_name = %s""",
        (name,),
    ).fetchone()
    assert status == outcome.status
    assert received == loaded + quarantined + held
    raw_rows = conn.execute(
        f"select count(*) from raw.{feed.name} where batch_id = %s", (batch_id,)
    ).fetchone()[0]
    checked = conn.execute(
        f"select count(*) from checked.{feed.name} where batch_id = %s", (batch_id,)
    ).fetchone()[0]
    held_rows = conn.execute(
        "select count(*) from quarantine.held_row where batch_id = %s", (batch_id,)
    ).fetchone()[0]
    expected = {
        "loaded": (received, loaded, quarantined),
        "held": (received, 0, 0),
        "rejected": (0, 0, 0),
    }[status]
    assert (raw_rows, checked, held_rows) == expected, (name, status)
    return status


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    choice=st.integers(min_value=0),
    mutations=st.lists(
        st.tuples(st.sampled_from(MUTATIONS), st.integers(min_value=0, max_value=10**6)),
        min_size=1,
        max_size=3,
    ),
)
def test_no_delivery_escapes_the_ledger(warehouse, landing_settings, base_files, choice, mutations):
    feed_name, extension, data = base_files[choice % len(base_files)]
    for mutation, at in mutations:
        data = mutation(data, at)
        event(mutation.__name__)
    status = check_one(warehouse, landing_settings, feed_name, extension, data)
    event(f"{feed_name}: {status}")


CORPUS_FILES = sorted(poison.CORPUS.glob("*/*"))


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_case_in_the_corpus_ends_in_the_ledger(warehouse, landing_settings, path):
    check_one(
        warehouse, landing_settings, path.parent.name, path.suffix.lstrip("."), path.read_bytes()
    )


def test_the_corpus_holds_every_kind_of_poison():
    kinds = {f"{p.feed}/{p.kind}.{p.extension}" for p in poison.poisons()}
    assert kinds <= {f"{p.parent.name}/{p.name}" for p in CORPUS_FILES}
