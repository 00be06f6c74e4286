"""The data steward's console in Airflow's menu, defined in the package (zhuanhua/ops/steward).

Airflow imports the .py files of its plugins folder (this folder: AIRFLOW__CORE__PLUGINS_FOLDER
in `airflow_env` and the compose file); `.airflowignore` keeps it out of the package itself.
"""

from zhuanhua.ops.steward.plugin import StewardConsolePlugin

__all__ = ["StewardConsolePlugin"]
