"""Which faults Airflow retries (ops/faults.py)."""

import psycopg
import pytest
from airflow.sdk.exceptions import AirflowFailException

from zhuanhua.errors import FilesHeld, LandingUnreachable
from zhuanhua.ops.faults import is_transient, retry_only_transient


def raising(error):
    def step():
        raise error

    return retry_only_transient(step)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.OperationalError("server closed the connection"),
        LandingUnreachable("landing area /mnt/x cannot be reached"),
        TimeoutError("read timed out"),
    ],
)
def test_a_transient_fault_goes_to_airflows_retries_as_it_is(error):
    assert is_transient(error)
    with pytest.raises(type(error)):
        raising(error)()


def test_a_data_error_fails_for_good_with_its_kind_and_message():
    with pytest.raises(AirflowFailException, match="FilesHeld: too many bad rows"):
        raising(FilesHeld("too many bad rows"))()
    assert retry_only_transient(lambda: 42)() == 42
