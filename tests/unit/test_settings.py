from __future__ import annotations

import pytest

from config.settings import RATE_LIMITS, RateLimit, SettingsError, load_settings, rate_limits


def test_defaults_need_no_configuration() -> None:
    settings = load_settings({})
    assert settings.profile == "memory"
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.users_db_dsn.endswith("@127.0.0.1:55432/users")


def test_values_come_from_marketplace_variables_converted_to_their_types() -> None:
    settings = load_settings(
        {
            "MARKETPLACE_PROFILE": "infra",
            "MARKETPLACE_PORT": "9000",
            "MARKETPLACE_TRUST_FORWARDED_FOR": "yes",
            "MARKETPLACE_OUTBOX_POLL_SECONDS": "0.5",
            "UNRELATED": "ignored",
        }
    )
    assert settings.uses_infra
    assert settings.port == 9000
    assert settings.trust_forwarded_for is True
    assert settings.outbox_poll_seconds == 0.5


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MARKETPLACE_PORT": "eighty"}, "MARKETPLACE_PORT must be an integer, not 'eighty'"),
        ({"MARKETPLACE_PORT": "-1"}, "MARKETPLACE_PORT must be a positive number"),
        ({"MARKETPLACE_PROFILE": "prod"}, "MARKETPLACE_PROFILE must be one of memory, infra"),
        ({"MARKETPLACE_TRUST_FORWARDED_FOR": "maybe"}, "MARKETPLACE_TRUST_FORWARDED_FOR must be true or false"),
        ({"MARKETPLACE_REDIS_URL": "localhost:6379"}, "MARKETPLACE_REDIS_URL must be a redis or rediss URL"),
        ({"MARKETPLACE_USERS_DB_DSN": "mysql://x/y"}, "MARKETPLACE_USERS_DB_DSN must be a postgresql"),
        ({"MARKETPLACE_OUTBOX_POLL_SECONDS": "soon"}, "MARKETPLACE_OUTBOX_POLL_SECONDS must be a number"),
        ({"MARKETPLACE_PROT": "9000"}, "unknown setting(s): MARKETPLACE_PROT"),
        ({"MARKETPLACE_ELASTICSEARCH_URL": "localhost:9200"}, "MARKETPLACE_ELASTICSEARCH_URL must be a http or https"),
        ({"MARKETPLACE_SEARCH_INDEX_PREFIX": "Shop"}, "MARKETPLACE_SEARCH_INDEX_PREFIX must be 1 to 100 of a-z"),
        ({"MARKETPLACE_SEARCH_INDEX_PREFIX": "_shop"}, "MARKETPLACE_SEARCH_INDEX_PREFIX must be 1 to 100 of a-z"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(environ)
    assert message in str(error.value)


def test_rate_limits_change_the_defaults_of_the_routes_they_name() -> None:
    assert rate_limits(load_settings({}).rate_limits) == RATE_LIMITS
    changed = rate_limits(load_settings({"MARKETPLACE_RATE_LIMITS": " checkout = 5/60 ,review=1/86400"}).rate_limits)
    assert changed == {
        "registration": RATE_LIMITS["registration"],
        "review": RateLimit(1, 86400),
        "checkout": RateLimit(5, 60),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("checkout=5", "<route>=<requests>/<seconds>, not 'checkout=5'"),
        ("checkout=5/60;review=1/60", "not 'checkout=5/60;review=1/60'"),
        ("chekout=5/60", "names 'chekout': the rate-limited routes are registration, review, checkout"),
        ("checkout=0/60", "at least 1 request in at least 1 second"),
        ("checkout=5/0", "at least 1 request in at least 1 second"),
    ],
)
def test_a_bad_rate_limit_stops_start_up_naming_it(value: str, message: str) -> None:
    with pytest.raises(SettingsError, match="MARKETPLACE_RATE_LIMITS") as error:
        load_settings({"MARKETPLACE_RATE_LIMITS": value})
    assert message in str(error.value)
