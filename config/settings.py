"""Typed settings, read from ``MARKETPLACE_*`` environment variables and checked at start-up.

Every field has a default that matches docker-compose.yml and ``scripts/services``, so the memory
profile needs no configuration at all. A bad value stops the process with a message naming the variable.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlparse, urlsplit, urlunsplit

import attrs

from core.moderation.rules import DEFAULT_BANNED_WORDS, PRICE_CEILING

PREFIX = "MARKETPLACE_"
Profile = Literal["memory", "infra"]


class SettingsError(ValueError):
    pass


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value <= 0:
        raise SettingsError(f"{PREFIX}{attribute.name.upper()} must be a positive number, not {value}")


def origin(url: str) -> str:
    """The origin of a URL setting ("http://localhost:8080/media" -> "http://localhost:8080"), "" for ""."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.netloc else ""


def _url(*schemes: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        parsed = urlparse(value)
        if parsed.scheme not in schemes or not parsed.hostname:
            raise SettingsError(f"{PREFIX}{attribute.name.upper()} must be a {' or '.join(schemes)} URL, not {value!r}")

    return check


def _one_of(*allowed: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in allowed:
            raise SettingsError(f"{PREFIX}{attribute.name.upper()} must be one of {', '.join(allowed)}, not {value!r}")

    return check


def _word_list(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    for word in value.split(","):
        if word.strip() and not any(c.isalnum() for c in word):
            raise SettingsError(f"{PREFIX}{attribute.name.upper()} is a comma-separated list of words, not {value!r}")


@attrs.frozen
class RateLimit:
    """At most ``requests`` calls within ``window_seconds`` (a fixed window, from the first call)."""

    requests: int
    window_seconds: int


# The rate-limited routes by name, with their limits per caller (a logged-in user, or a guest's address): a
# shopper signs up a few times an hour from one address at most (a shared address, an office, more), writes a
# handful of reviews, and places an order every minute at the very most; a script does more, and is told 429.
RATE_LIMITS = {
    "registration": RateLimit(10, 3600),
    "review": RateLimit(10, 3600),
    "checkout": RateLimit(10, 600),
}
_RATE_LIMIT = re.compile(r"^\s*([a-z_]+)\s*=\s*(\d+)\s*/\s*(\d+)\s*$")


@functools.cache
def rate_limits(text: str) -> dict[str, RateLimit]:
    """The limits a ``rate_limits`` setting gives ("checkout=5/60,review=3/3600", each "<name>=<requests>/<seconds>"),
    over the defaults of the routes it does not name."""
    limits = dict(RATE_LIMITS)
    for item in filter(str.strip, text.split(",")):
        match = _RATE_LIMIT.match(item)
        if match is None:
            raise SettingsError(
                f"{PREFIX}RATE_LIMITS is a comma-separated list of <route>=<requests>/<seconds>, not {item.strip()!r}"
            )
        name, requests, seconds = match.group(1), int(match.group(2)), int(match.group(3))
        if name not in RATE_LIMITS:
            raise SettingsError(
                f"{PREFIX}RATE_LIMITS names {name!r}: the rate-limited routes are {', '.join(RATE_LIMITS)}"
            )
        if requests < 1 or seconds < 1:
            raise SettingsError(
                f"{PREFIX}RATE_LIMITS: {item.strip()!r} must allow at least 1 request in at least 1 second"
            )
        limits[name] = RateLimit(requests, seconds)
    return limits


def _rate_limits(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    rate_limits(value)


# Signs upload URLs when nobody configured a key: fine on a laptop, a warning on the infra profile.
DEVELOPMENT_UPLOAD_SIGNING_KEY = "marketplace-development-upload-signing-key"


# Development secrets of the sandbox gateway and carrier; production sets its own.
DEVELOPMENT_GATEWAY_KEY = "marketplace-development-gateway-key"
DEVELOPMENT_WEBHOOK_SECRET = "marketplace-development-webhook-secret"  # noqa: S105
# The S3 credentials of the development servers (moto takes any; docker-compose's MinIO is set to these).
DEVELOPMENT_S3_ACCESS_KEY_ID = "marketplace"
DEVELOPMENT_S3_SECRET = "marketplace-development-s3-secret"  # noqa: S105


def without_password(url: object) -> str:
    """A URL setting as a log or a repr may show it: its password replaced by "***"."""
    if not isinstance(url, str):
        return repr(url)
    parts = urlsplit(url)
    if parts.password is None:
        return repr(url)
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return repr(urlunsplit(parts._replace(netloc=netloc)))


# The settings that hold a credential, each at its development value by default (see above): on infra a shop
# that still has one of them logs a warning at start (config.container.bootstrap), naming them.
DEVELOPMENT_VALUES = {
    "payment_gateway_api_key": DEVELOPMENT_GATEWAY_KEY,
    "payment_webhook_secret": DEVELOPMENT_WEBHOOK_SECRET,
    "logistics_api_key": DEVELOPMENT_GATEWAY_KEY,
    "logistics_webhook_secret": DEVELOPMENT_WEBHOOK_SECRET,
    "s3_secret_access_key": DEVELOPMENT_S3_SECRET,
}


def development_secrets(settings: Settings) -> list[str]:
    """The variables of the credentials ``settings`` still has at their development values."""
    return [PREFIX + name.upper() for name, value in DEVELOPMENT_VALUES.items() if getattr(settings, name) == value]


def _not_negative(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise SettingsError(f"{PREFIX}{attribute.name.upper()} must be 0 or more, not {value}")


def _topic_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or len(value) > 100 or any(not (c.isascii() and (c.isalnum() or c in "._-")) for c in value):
        raise SettingsError(f"{PREFIX}{attribute.name.upper()} must be 1 to 100 of a-z, A-Z, 0-9, '.', '_', '-'")


def _clickhouse_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    allowed = all(c.isascii() and (c.isalnum() or c == "_") for c in value)
    if not value or len(value) > 63 or value[0].isdigit() or not allowed:
        raise SettingsError(
            f"{PREFIX}{attribute.name.upper()} must be 1 to 63 of a-z, A-Z, 0-9 and '_', not starting with a digit"
        )


def synonym_groups(value: str) -> tuple[str, ...]:
    """``MARKETPLACE_SEARCH_SYNONYMS`` as Elasticsearch takes it: one "a, b, c" line per group."""
    groups = [[word.strip().lower() for word in group.split(",") if word.strip()] for group in value.split(";")]
    return tuple(", ".join(words) for words in groups if words)


def _synonym_groups(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    for group in synonym_groups(value):
        words = group.split(", ")
        if len(words) < 2 or any(len(word) > 50 or not all(c.isalnum() or c in " -'" for c in word) for word in words):
            raise SettingsError(
                f"{PREFIX}{attribute.name.upper()} must be groups of two or more words (letters, digits, spaces, "
                f"'-'), the words split by ',' and the groups by ';': not {group!r}"
            )


def _index_prefix(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    # Elasticsearch index names are lowercase and may not start with "-", "_", "+" or ".".
    if (
        not value
        or len(value) > 100
        or value[0] in "-_+."
        or any(not (c.isascii() and (c.islower() or c.isdigit() or c in "._-")) for c in value)
    ):
        raise SettingsError(
            f"{PREFIX}{attribute.name.upper()} must be 1 to 100 of a-z, 0-9, '.', '_', '-' (an index name)"
        )


def _secret(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if len(value) < 16:
        raise SettingsError(f"{PREFIX}{attribute.name.upper()} must be at least 16 characters long")


def _url_or_empty(*schemes: str) -> Any:
    check = _url(*schemes)

    def check_unless_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if value:
            check(instance, attribute, value)

    return check_unless_empty


def _bucket_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    # S3's rule: 3 to 63 of a-z, 0-9, '.', '-', beginning and ending with a letter or digit.
    if not (3 <= len(value) <= 63 and value[0].isalnum() and value[-1].isalnum()) or any(
        not (c.isascii() and (c.islower() or c.isdigit() or c in ".-")) for c in value
    ):
        raise SettingsError(
            f"{PREFIX}{attribute.name.upper()} must be an S3 bucket name (3 to 63 of a-z, 0-9, '.', '-')"
        )


def _s3_secret(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value and len(value) < 8:  # MinIO's shortest; AWS's secrets have 40 characters
        raise SettingsError(f"{PREFIX}{attribute.name.upper()} must be at least 8 characters long (or empty)")


@attrs.frozen(kw_only=True)
class Settings:
    profile: Profile = attrs.field(default="memory", validator=_one_of("memory", "infra"))
    host: str = "127.0.0.1"
    port: int = attrs.field(default=8080, validator=_positive)
    log_level: str = attrs.field(default="INFO", validator=_one_of("DEBUG", "INFO", "WARNING", "ERROR"))
    # glibc's malloc arenas per process (adapters.system.limit_malloc_arenas): two keep a process's RSS flat
    # under a long load where glibc's default (eight per core) let it creep; 0 leaves glibc's default.
    malloc_arena_max: int = attrs.field(default=2, validator=_not_negative)
    # Every process gives glibc's free heap memory back to the system this often (malloc_trim); 0: never.
    malloc_trim_seconds: float = attrs.field(default=60.0, validator=_not_negative)
    public_base_url: str = attrs.field(default="http://localhost:8080", validator=_url("http", "https"))
    # Traces (adapters.tracing): none, console (each span as JSON on stdout) or otlp (by OTLP/HTTP to
    # OTEL_EXPORTER_OTLP_ENDPOINT, http://localhost:4318 by default: a Jaeger, Tempo or Collector). A trace's
    # id is the correlation id (X-Request-ID) of the request that began it.
    traces: str = attrs.field(default="none", validator=_one_of("none", "console", "otlp"))

    # PostgreSQL: one database per group of contexts, as in the system design (auth + users share one).
    users_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/users",
        validator=_url("postgresql", "postgres"),
    )
    sellers_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/sellers",
        validator=_url("postgresql", "postgres"),
    )
    products_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/products",
        validator=_url("postgresql", "postgres"),
    )
    moderation_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/moderation",
        validator=_url("postgresql", "postgres"),
    )
    orders_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/orders",
        validator=_url("postgresql", "postgres"),
    )
    payments_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/payments",
        validator=_url("postgresql", "postgres"),
    )
    shipments_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/shipments",
        validator=_url("postgresql", "postgres"),
    )
    orchestrator_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/orchestrator",
        validator=_url("postgresql", "postgres"),
    )
    reviews_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/reviews",
        validator=_url("postgresql", "postgres"),
    )
    ratings_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/ratings",
        validator=_url("postgresql", "postgres"),
    )
    # The seed's recommendations database: the activity context's signals and the personal lists.
    recommendations_db_dsn: str = attrs.field(
        repr=without_password,
        default="postgresql://marketplace:marketplace@127.0.0.1:55432/recommendations",
        validator=_url("postgresql", "postgres"),
    )
    db_pool_min: int = attrs.field(default=1, validator=_positive)
    db_pool_max: int = attrs.field(default=10, validator=_positive)
    db_timeout_seconds: float = 5.0

    redis_url: str = attrs.field(
        default="redis://127.0.0.1:56379/0", repr=without_password, validator=_url("redis", "rediss")
    )
    redis_timeout_seconds: float = 2.0

    # Kafka (infra profile): every context's events go to the topic <prefix>.<context>, keyed by aggregate.
    kafka_bootstrap_servers: str = "127.0.0.1:29092"
    kafka_topic_prefix: str = attrs.field(default="marketplace", validator=_topic_name)
    # Partitions of each topic created at start-up: how many consumer processes one group can spread over.
    kafka_partitions: int = attrs.field(default=8, validator=_positive)
    # A consumer tries an event this many times (an outage is retried for as long as it lasts, not counted)
    # before it sets it aside on <prefix>.dead-letter.
    consumer_max_attempts: int = attrs.field(default=5, validator=_positive)
    # How long the broker may hold a consumer's fetch while nothing new is there (it answers as soon as an
    # event arrives): the longer, the fewer idle requests.
    kafka_fetch_max_wait_ms: int = attrs.field(default=500, validator=_positive)

    # Elasticsearch (infra profile): the search context's indexes, <prefix>-products and <prefix>-sellers
    # (aliases of the versioned indexes <prefix>-products-v<N>...), so several shops can share one cluster.
    elasticsearch_url: str = attrs.field(default="http://127.0.0.1:59200", validator=_url("http", "https"))
    search_index_prefix: str = attrs.field(default="marketplace", validator=_index_prefix)
    # Groups of words a search treats alike where the cluster has analysis-common (rich analysis), e.g.
    # "phone, smartphone; tee, t-shirt": groups split by ";", words by ","; a change takes a reindex.
    search_synonyms: str = attrs.field(default="", validator=_synonym_groups)
    # A search or an index write that takes longer fails as Unavailable (the consumer retries a write).
    elasticsearch_timeout_seconds: float = attrs.field(default=5.0, validator=_positive)

    # Auth
    session_ttl_seconds: int = attrs.field(default=7 * 24 * 3600, validator=_positive)
    login_failures_per_account: int = attrs.field(default=5, validator=_positive)
    login_failures_per_address: int = attrs.field(default=20, validator=_positive)
    login_failure_window_seconds: int = attrs.field(default=15 * 60, validator=_positive)
    # Changes to the defaults of RATE_LIMITS, e.g. "checkout=5/60,registration=3/3600" (see rate_limits).
    rate_limits: str = attrs.field(default="", validator=_rate_limits)
    argon2_time_cost: int = attrs.field(default=3, validator=_positive)
    argon2_memory_kib: int = attrs.field(default=65536, validator=_positive)

    # Cart: a guest cart left unchanged this long is gone (user carts are kept).
    cart_guest_ttl_seconds: int = attrs.field(default=30 * 24 * 3600, validator=_positive)

    # Moderation: words that get a listing rejected (comma-separated, whole words, any case or accents;
    # empty: none), and the price (in the currency's major units) above which a person checks a listing.
    moderation_banned_words: str = attrs.field(default=",".join(DEFAULT_BANNED_WORDS), validator=_word_list)
    moderation_price_ceiling: int = attrs.field(default=PRICE_CEILING, validator=_positive)

    # Reviews: a review of a product its author never received is refused unless unverified reviews are
    # allowed (shown as such); this many reports send a published review back to moderation; more than
    # review_burst_limit reviews from one account within review_burst_window_seconds wait for a moderator.
    reviews_allow_unverified: bool = False
    review_reports_to_requeue: int = attrs.field(default=3, validator=_positive)
    review_burst_limit: int = attrs.field(default=5, validator=_positive)
    review_burst_window_seconds: int = attrs.field(default=3600, validator=_positive)
    max_photos_per_review: int = attrs.field(default=5, validator=_positive)

    # Product images: public URLs are cdn_base_url + "/" + object key. GET /media/{key} serves them from the
    # object store on either profile (production puts a CDN in front of it, or of the bucket). The memory
    # store's upload URLs (on public_base_url) are signed with upload_signing_key, which production must set.
    cdn_base_url: str = attrs.field(default="http://localhost:8080/media", validator=_url("http", "https"))
    upload_signing_key: str = attrs.field(default=DEVELOPMENT_UPLOAD_SIGNING_KEY, repr=False, validator=_secret)
    max_image_bytes: int = attrs.field(default=5 * 1024 * 1024, validator=_positive)
    max_images_per_product: int = attrs.field(default=10, validator=_positive)

    # S3 (infra profile): the bucket of the images, made at start-up (and by `marketplace migrate`) when
    # missing. Upload URLs are presigned for s3_public_endpoint_url when clients reach S3 at another address
    # than the app does (empty: s3_endpoint_url). Empty credentials: botocore's chain (AWS_* variables, a role).
    s3_endpoint_url: str = attrs.field(default="http://127.0.0.1:59000", validator=_url("http", "https"))
    s3_public_endpoint_url: str = attrs.field(default="", validator=_url_or_empty("http", "https"))
    s3_bucket: str = attrs.field(default="marketplace-media", validator=_bucket_name)
    s3_region: str = "us-east-1"
    s3_access_key_id: str = DEVELOPMENT_S3_ACCESS_KEY_ID
    s3_secret_access_key: str = attrs.field(default=DEVELOPMENT_S3_SECRET, repr=False, validator=_s3_secret)
    s3_timeout_seconds: float = attrs.field(default=5.0, validator=_positive)

    # Product cards: how long a public card stays cached; it bounds how stale a card can be shown when an
    # invalidation was lost (the cache was down when the card changed). 0 turns the card cache off.
    product_cache_ttl_seconds: int = attrs.field(default=300, validator=_not_negative)
    # On infra, how many cards each process keeps a copy of in front of Redis (a near cache that Redis keeps
    # coherent through client tracking); 0: none, every read asks Redis.
    product_near_cache_entries: int = attrs.field(default=10_000, validator=_not_negative)

    # HTTP
    max_body_bytes: int = attrs.field(default=1024 * 1024, validator=_positive)
    # Client addresses are taken from X-Forwarded-For only behind a proxy the operator trusts.
    trust_forwarded_for: bool = False

    # Events: how often the outbox relay looks for committed events when nobody nudges it.
    outbox_poll_seconds: float = 1.0
    # Published outbox rows are kept this long (for inspection and replay), then deleted hourly.
    outbox_retention_hours: int = attrs.field(default=168, validator=_positive)
    # The ids of events a consumer handled are kept this long (a redelivery within it is skipped), then
    # forgotten: with the outbox's purge on PostgreSQL, as they go on the memory profile.
    inbox_retention_seconds: int = attrs.field(default=7 * 24 * 3600, validator=_positive)

    # Calls to other companies' APIs (the gateway, the carrier; adapters.outbound): a call and its repeats
    # stop once this long has passed since its first try.
    outbound_deadline_seconds: float = attrs.field(default=30.0, validator=_positive)

    # Activity: what the pages report of shoppers waits in a buffer of activity_buffer_size events on its
    # way to Kafka (past it, new events are dropped and counted). The activity log is the Elasticsearch
    # index <search_index_prefix>-activity on infra, up to date within its refresh interval (a second).
    activity_buffer_size: int = attrs.field(default=10_000, validator=_positive)

    # Recommendations: lists hold recommendation_list_size products, ranked from the signals of the last
    # recommendation_window_days (the base feed's window too). A user's list is built
    # recommendation_debounce_seconds after their signals change (the build worker looks every
    # recommendation_build_poll_seconds); a build taking longer than recommendation_build_timeout_seconds
    # fails, and the recommendation error worker retries it every recommendation_retry_poll_seconds,
    # backing off from recommendation_retry_base_seconds up to recommendation_retry_ceiling_seconds.
    # Lists older than recommendation_max_age_hours are rebuilt; the base feed every base_feed_rebuild_seconds.
    recommendation_list_size: int = attrs.field(default=20, validator=_positive)
    recommendation_window_days: int = attrs.field(default=30, validator=_positive)
    recommendation_debounce_seconds: float = attrs.field(default=2.0, validator=_not_negative)
    recommendation_build_poll_seconds: float = attrs.field(default=2.0, validator=_positive)
    recommendation_build_timeout_seconds: float = attrs.field(default=10.0, validator=_positive)
    recommendation_retry_poll_seconds: float = attrs.field(default=10.0, validator=_positive)
    recommendation_retry_base_seconds: float = attrs.field(default=30.0, validator=_positive)
    recommendation_retry_ceiling_seconds: float = attrs.field(default=3600.0, validator=_positive)
    recommendation_max_age_hours: float = attrs.field(default=24.0, validator=_positive)
    base_feed_rebuild_seconds: float = attrs.field(default=300.0, validator=_positive)

    # Payments: the external gateway's API (infra profile; memory runs the sandbox gateway in-process).
    # Each call times out after payment_gateway_timeout_seconds and is retried payment_gateway_retries
    # times on a 5xx or a timeout only. The payment error worker then retries a failed call every
    # payment_errors_poll_seconds, backing off from payment_retry_base_seconds, payment_retry_limit times.
    payment_gateway_url: str = attrs.field(default="http://127.0.0.1:8091", validator=_url("http", "https"))
    payment_gateway_api_key: str = attrs.field(default=DEVELOPMENT_GATEWAY_KEY, repr=False, validator=_secret)
    payment_webhook_secret: str = attrs.field(default=DEVELOPMENT_WEBHOOK_SECRET, repr=False, validator=_secret)
    payment_gateway_timeout_seconds: float = 5.0
    payment_gateway_retries: int = attrs.field(default=2, validator=_not_negative)
    payment_retry_limit: int = attrs.field(default=5, validator=_positive)
    payment_retry_base_seconds: float = 30.0
    payment_errors_poll_seconds: float = 5.0

    # Logistics: the carrier's API, as for payments; the shipment poller asks it for news of every parcel
    # on its way each shipment_poll_seconds (in case a webhook was lost). On memory, the in-process sandbox
    # carrier moves a parcel one step every sandbox_carrier_step_seconds (0: only when told to).
    logistics_api_url: str = attrs.field(default="http://127.0.0.1:8092", validator=_url("http", "https"))
    logistics_api_key: str = attrs.field(default=DEVELOPMENT_GATEWAY_KEY, repr=False, validator=_secret)
    logistics_webhook_secret: str = attrs.field(default=DEVELOPMENT_WEBHOOK_SECRET, repr=False, validator=_secret)
    logistics_api_timeout_seconds: float = 5.0
    logistics_api_retries: int = attrs.field(default=2, validator=_not_negative)
    shipment_poll_seconds: float = 60.0
    sandbox_carrier_step_seconds: float = 30.0

    # Orders: a delivered order can be sent back for a refund this many days.
    return_window_days: int = attrs.field(default=30, validator=_positive)

    # Monitoring: `marketplace consume` and `marketplace work` serve /metrics and /health/* on metrics_port
    # (0: not at all; `serve` has them on its own port); the gauges that take a query (the outboxes'
    # backlog, the sagas' census) are measured by the relays and the saga sweeper every metrics_refresh_seconds.
    metrics_port: int = attrs.field(default=0, validator=_not_negative)
    metrics_refresh_seconds: float = attrs.field(default=15.0, validator=_positive)

    # Sagas: the orchestrator looks every saga_sweep_seconds for sagas untouched for saga_stall_seconds
    # (a step lost to a crash or a failed consumer) and repeats their current step.
    saga_sweep_seconds: float = 10.0
    saga_stall_seconds: int = attrs.field(default=60, validator=_positive)
    # What runs the sagas (infra): the built-in runner (state in the orchestrator database, the sweeper
    # above) or Temporal at temporal_address, whose workers (`marketplace work saga-worker`, and every
    # `marketplace run`) take the sagas' workflows from temporal_task_queue; a saga waiting at an active step
    # (a payment in flight) looks again after saga_stall_seconds, as the sweeper would. Memory: built-in.
    saga_engine: str = attrs.field(default="builtin", validator=_one_of("builtin", "temporal"))
    # No step of a saga waits longer than this for a desk's answer or before its next try (0: each step's
    # own rule, core.orchestrator.definition.RULES): for shops that must get over a lost worker fast.
    saga_step_limit_seconds: float = attrs.field(default=0.0, validator=_not_negative)
    temporal_address: str = "127.0.0.1:27233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "marketplace-sagas"

    # Analytics (infra): the event history and business figures in ClickHouse: a server at clickhouse_url
    # (http://user:password@host:8123, as docker-compose runs one) or, without one, the engine embedded in
    # the process (chdb) with its data under analytics_path: then the process that runs the analytics
    # consumer group must also serve the figures (`marketplace run`, or `serve` with its consumers), since
    # one data path belongs to one process. The history lives in the database analytics_database. The
    # analytics group writes a batch once it holds analytics_batch_size events or analytics_batch_seconds
    # after the first; figures are kept analytics_cache_seconds.
    clickhouse_url: str | None = attrs.field(
        default=None, repr=without_password, validator=attrs.validators.optional(_url("http", "https"))
    )
    clickhouse_timeout_seconds: float = attrs.field(default=10.0, validator=_positive)
    analytics_path: str = "var/analytics"
    analytics_database: str = attrs.field(default="marketplace", validator=_clickhouse_name)
    analytics_batch_size: int = attrs.field(default=5000, validator=_positive)
    analytics_batch_seconds: float = attrs.field(default=0.5, validator=_not_negative)
    analytics_cache_seconds: float = attrs.field(default=30.0, validator=_not_negative)

    @property
    def uses_infra(self) -> bool:
        return self.profile == "infra"


def _convert(name: str, raw: str, kind: Any) -> Any:
    var = PREFIX + name.upper()
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
    except ValueError:
        noun = {"int": "an integer", "float": "a number", "bool": "true or false"}[str(kind)]
        raise SettingsError(f"{var} must be {noun}, not {raw!r}") from None
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from the environment (``MARKETPLACE_PORT=9000`` sets ``port``), then ``overrides``."""
    environ = os.environ if environ is None else environ
    fields = attrs.fields_dict(Settings)
    values: dict[str, Any] = {}
    for name, field in fields.items():
        raw = environ.get(PREFIX + name.upper())
        if raw is not None:
            values[name] = _convert(name, raw, field.type)
    unknown = sorted(k for k in environ if k.startswith(PREFIX) and k[len(PREFIX) :].lower() not in fields)
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
    values.update(overrides)
    try:
        return Settings(**values)
    except SettingsError:
        raise
    except (TypeError, ValueError) as exc:
        raise SettingsError(str(exc)) from None
