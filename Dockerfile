# The Airflow image with the project's locked environment and the zhuanhua package installed.
# The DAGs, dbt project and expectations are copied too (compose mounts them over the copies,
# so an edit on the host needs no rebuild); ZHUANHUA_PROJECT says where they are.
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:root requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock
COPY --chown=airflow:root pyproject.toml README.md /opt/zhuanhua/
COPY --chown=airflow:root plugins /opt/zhuanhua/plugins
COPY --chown=airflow:root dags /opt/zhuanhua/dags
COPY --chown=airflow:root dbt_project /opt/zhuanhua/dbt_project
COPY --chown=airflow:root expectations /opt/zhuanhua/expectations
RUN pip install --no-cache-dir --no-deps /opt/zhuanhua
ENV ZHUANHUA_PROJECT=/opt/zhuanhua
