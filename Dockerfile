# The Airflow image with the project's locked environment; the project itself is mounted.
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:root requirements.lock /tmp/requirements.lock
COPY --chown=airflow:root docker/requirements-celery.txt /tmp/requirements-celery.txt
RUN pip install --no-cache-dir -r /tmp/requirements.lock \
 && pip install --no-cache-dir --no-deps -r /tmp/requirements-celery.txt
