import pytest
from pytest_bdd import scenarios

# Every scenario runs on each profile, each on an empty search index.
pytestmark = pytest.mark.usefixtures("server")

scenarios("search.feature")
