"""The Airflow assets the DAGs share: each feed's checked rows, and the built marts."""

from __future__ import annotations

from airflow.sdk import Asset

from zhuanhua.domain.feeds import FEEDS

FEED_ASSETS = {
    name: Asset(name=f"checked_{name}", uri=f"zhuanhua://warehouse/checked/{name}")
    for name in FEEDS
}
MARTS = Asset(name="warehouse_marts", uri="zhuanhua://warehouse/marts")
