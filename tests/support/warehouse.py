"""Emptying, loading and building the suite's warehouse: what several test modules share."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import psycopg

from zhuanhua.build import dbt
from zhuanhua.load.connection import connect
from zhuanhua.ops.steps import load_feed, prepare_warehouse
from zhuanhua.settings import Settings

LAYERS = (
    "raw",
    "checked",
    "quarantine",
    "audit",
    "staging",
    "intermediate",
    "marts",
    "steward",
    "reference",
    "test_failures",
)


def empty_warehouse(conn: psycopg.Connection, settings: Settings) -> None:
    """Drop every layer and make the loader's schemas again (the person key stays)."""
    for schema in LAYERS:
        conn.execute(f"drop schema if exists {schema} cascade")
    prepare_warehouse(conn, settings)


def load_all_feeds(settings: Settings, business_date) -> None:
    """Every feed's files up to the date, patents before their events, as the DAG orders."""
    for feed in ("contracts", "loans", "patents", "patent_events"):
        load_feed(feed, business_date, settings)


def deliver_load_and_build(settings: Settings, landing: Path, deliver, last_date) -> Settings:
    """An example's files delivered, loaded into an emptied warehouse up to `last_date`, built.

    Returns the settings pointing at the example's landing folder (no file held whole).
    """
    deliver(landing)
    example = dataclasses.replace(settings, landing=str(landing), hold_share=1.0)
    with connect(settings) as conn:
        empty_warehouse(conn, settings)
    load_all_feeds(example, last_date)
    dbt.build(example)
    return example
