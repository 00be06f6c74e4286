"""Patent records and legal events; the granted patents are what contracts and loans cite."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from zhuanhua.dev.synth.parties import (
    BANKS,
    LOCAL_ENTERPRISES,
    LOCAL_ORGANISATIONS,
    person_name,
    uscc,
    with_wrong_check_char,
)
from zhuanhua.domain.identifiers import GRANT_KINDS, patent_check_char

TYPES = [
    ("1", "发明", "B", 45),
    ("2", "实用新型", "U", 45),
    ("3", "外观设计", "S", 8),
    ("8", "发明", "B", 2),
]
IPC = [
    "A61K 36/9068",
    "C12G 3/02",
    "C12H 6/02",
    "G06F 16/25",
    "B25J 9/16",
    "H01M 10/54",
    "A01F 25/00",
    "C08L 97/02",
    "E21B 43/26",
    "G06T 7/00",
    "C02F 9/00",
    "A23B 7/154",
]
DEFECTS = {
    "patents": {
        "broken_json_line": "patents.line_readable",
        "bad_check_character": "patents.application_no_readable",
        "unknown_patent_type": "patents.patent_type_known",
        "missing_title": "patents.title_required",
        "year_differs_from_number": "patents.application_year_matches_number",
    },
    "patent_events": {
        "broken_json_line": "patent_events.line_readable",
        "gazette_before_effect": "patent_events.gazette_after_effect",
        "bad_application_no": "patent_events.application_no_readable",
    },
}


@dataclass
class PatentPool:
    """Granted patents already delivered, for events, contracts and loans to refer to."""

    granted: deque = field(default_factory=lambda: deque(maxlen=20_000))

    def pick(self, rng: random.Random) -> dict | None:
        return rng.choice(self.granted) if self.granted else None


def written_form(number: str, rng: random.Random) -> str:
    """One of the written forms of domain.md §2 for the same number."""
    body, check = number.split(".")
    form = rng.random()
    if form < 0.6:
        return number
    if form < 0.75:
        return f"CN{number}"
    if form < 0.85:
        return f"ZL{number}"
    if form < 0.95:
        return body + check
    return f"CN {body[:4]} {body[4]} {body[5:]}.{check.lower()}"


@dataclass
class PatentGenerator:
    rng: random.Random
    records_per_day: int
    events_per_day: int
    defect_rate: float
    pool: PatentPool
    serial: int = 0
    pending: deque = field(default_factory=lambda: deque(maxlen=50_000))  # filed, not granted

    def records_for(self, day: date) -> tuple[list[dict | str], list[str | None]]:
        """New applications, and grants of applications delivered on earlier days."""
        records, defects, grants = [], [], {}
        grantable = len(self.pending)  # only what was filed before today
        for i in range(self.records_per_day):
            if grantable and self.rng.random() < 0.35:
                grantable -= 1
                grants[i] = self._grant(self.pending.popleft(), day)
                record = {
                    **grants[i],
                    "application_no": written_form(grants[i]["application_no"], self.rng),
                }
            else:
                record = self._application(day)
            records.append(record)
            defects.append(None)
        for i, record in enumerate(records):
            if self.rng.random() < self.defect_rate:
                defect = self.rng.choice(sorted(DEFECTS["patents"]))
                records[i] = _break_patent(dict(record), defect)
                defects[i] = defect
        self.pool.granted.extend(g for i, g in grants.items() if defects[i] is None)
        return records, defects

    def _application(self, day: date) -> dict:
        rng = self.rng
        self.serial += 1
        digit, kind, _, _ = rng.choices(TYPES, weights=[t[3] for t in TYPES])[0]
        filed = day - timedelta(days=rng.randint(20, 700))
        body = f"{filed.year}{digit}{(self.serial * 7919) % 10_000_000:07d}"
        owner = rng.choice(LOCAL_ORGANISATIONS)
        record = {
            "application_no": f"{body}.{patent_check_char(body)}",
            "patent_type": kind,
            "title": f"一种{rng.choice(IPC)[:4]}相关的{kind}技术方案",
            "application_date": filed.isoformat(),
            "ipc_main": rng.choice(IPC),
            "applicants": [
                {"name": owner[0], "uscc": uscc(owner[0], owner[1]), "region_code": owner[2]}
            ],
            "inventors": [person_name(rng) for _ in range(rng.randint(1, 4))],
            "legal_status": "审中",
            "updated_at": f"{day.isoformat()}T09:{rng.randint(0, 59):02d}:00+08:00",
        }
        if kind == "发明":
            record["publication_no"] = f"CN{rng.randint(100_000_000, 119_999_999)}A"
            record["publication_date"] = (filed + timedelta(days=18)).isoformat()
        self.pending.append(record)
        return {**record, "application_no": written_form(record["application_no"], rng)}

    def _grant(self, record: dict, day: date) -> dict:
        letter = next(k for k, kind in GRANT_KINDS.items() if kind == record["patent_type"])
        granted = {
            **record,
            "grant_no": f"CN{self.rng.randint(100_000_000, 119_999_999)}{letter}",
            "grant_date": (day - timedelta(days=self.rng.randint(1, 10))).isoformat(),
            "legal_status": "有效",
            "updated_at": f"{day.isoformat()}T10:{self.rng.randint(0, 59):02d}:00+08:00",
        }
        return granted

    def events_for(self, day: date) -> tuple[list[dict | str], list[str | None]]:
        events, defects, used = [], [], set()
        for _ in range(self.events_per_day):
            patent = self.pool.pick(self.rng)
            if patent is None:
                break
            code = self.rng.choices(
                ["TR01", "EE01", "PE01", "CF01", "RR01", "XX99"], weights=[45, 25, 18, 8, 2, 2]
            )[0]
            event_id = f"{code}-{patent['application_no']}-{day:%Y%m%d}"
            if event_id in used:
                continue
            used.add(event_id)
            events.append(self._event(event_id, code, patent, day))
            defects.append(None)
        for i, event in enumerate(events):
            if self.rng.random() < self.defect_rate:
                defect = self.rng.choice(sorted(DEFECTS["patent_events"]))
                events[i] = _break_event(dict(event), defect)
                defects[i] = defect
        return events, defects

    def _event(self, event_id: str, code: str, patent: dict, day: date) -> dict:
        rng = self.rng
        owner = patent["applicants"][0]
        taker = rng.choice(LOCAL_ENTERPRISES)
        party = {"name": taker[0], "uscc": uscc(taker[0], taker[1])}
        effective = day - timedelta(days=rng.randint(5, 30))
        event = {
            "event_id": event_id,
            "application_no": written_form(patent["application_no"], rng),
            "event_code": code,
            "effective_date": effective.isoformat(),
            "gazette_date": day.isoformat(),
        }
        holder = {"name": owner["name"], "uscc": owner.get("uscc")}
        if code == "TR01":
            event |= {"event_name": "专利权的转移", "before": [holder], "after": [party]}
        elif code == "EE01":
            event |= {
                "event_name": "专利实施许可合同备案的生效",
                "licensor": [holder],
                "licensee": [party],
                "licence_type": rng.choice(["独占", "排他", "普通"]),
                "record_no": f"X{day.year}510000{rng.randint(1000, 9999)}",
            }
        elif code == "PE01":
            bank = rng.choice(sorted(BANKS.values()))
            event |= {
                "event_name": "专利权质押的生效",
                "pledgor": [party],
                "pledgee": [{"name": bank}],
                "record_no": f"Y{day.year}510000{rng.randint(1000, 9999)}",
            }
        return event


def _break_patent(record: dict, defect: str) -> dict | str:
    if defect == "broken_json_line":
        return '{"application_no": "' + record["application_no"] + '", "title": '
    if defect == "bad_check_character":
        record["application_no"] = with_wrong_check_char(record["application_no"])
    elif defect == "unknown_patent_type":
        record["patent_type"] = "发明专利"
    elif defect == "missing_title":
        record["title"] = None
    elif defect == "year_differs_from_number":
        filed = date.fromisoformat(record["application_date"])
        record["application_date"] = filed.replace(year=filed.year - 1, day=1).isoformat()
    return record


def _break_event(event: dict, defect: str) -> dict | str:
    if defect == "broken_json_line":
        return "{'event_id': " + event["event_id"] + "}"
    if defect == "gazette_before_effect":
        event["gazette_date"] = (
            date.fromisoformat(event["effective_date"]) - timedelta(days=3)
        ).isoformat()
    elif defect == "bad_application_no":
        event["application_no"] = "2024ABC"
    return event
