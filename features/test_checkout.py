import pytest
from pytest_bdd import scenarios

# Every scenario runs on each profile, and with the sagas on Temporal (`sagas`): the parametrized `server`
# fixture must be known at collection.
pytestmark = [pytest.mark.usefixtures("server"), pytest.mark.sagas]

scenarios("checkout.feature")
