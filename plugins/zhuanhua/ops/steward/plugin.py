"""The Airflow plugin: the console mounted by Airflow's API server under /zhuanhua/steward,
and a link in Airflow's menu that opens it inside Airflow's own UI.

Airflow finds it through `plugins/zhuanhua_steward.py` in its plugins folder.
"""

from __future__ import annotations

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from zhuanhua.ops.steward.app import create_app

PREFIX = "/zhuanhua/steward"


class StewardConsolePlugin(AirflowPlugin):
    name = "zhuanhua_steward_console"
    fastapi_apps: ClassVar[list[dict]] = [
        {"app": create_app(), "url_prefix": PREFIX, "name": "数据管理员控制台"}
    ]
    external_views: ClassVar[list[dict]] = [
        {
            "name": "数据管理员控制台",
            "href": f"{PREFIX}/",
            "url_route": "steward",
            "destination": "nav",
            "category": "browse",
        }
    ]
