import pytest
import responses

from tests.etl.fetch.recorded import Recorder, copy_data


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def published(built, tmp_path):
    """A private copy of a data folder with raw snapshots and one published release."""
    paths, _ = built
    return copy_data(paths, tmp_path / "data")
