import pytest
from pytest_bdd import scenarios

# Every scenario runs on each profile: the parametrized `server` fixture must be known at collection.
pytestmark = pytest.mark.usefixtures("server")

scenarios("analytics.feature")
