"""``marketplace``: the one command. ``marketplace --help`` lists what it does."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web

from config.container import (
    OUTBOX_RELAY,
    Runtime,
    bootstrap,
    create_bucket,
    create_topics,
    dead_letters,
    migrate_all,
)
from config.contexts import GROUPS
from config.runtime import CONSUMERS
from config.sandboxes import DEFAULT_PORTS, KINDS, default_webhook_url, sandbox_app
from config.settings import Settings, SettingsError, load_settings
from core.auth.commands import GetAccount, SetRoles
from core.auth.use_cases import GetAccountInfo, SetUserRoles
from core.shared.errors import DomainError
from core.shared.security import Principal, Role
from entrypoints.http import access_log
from entrypoints.http.app import create_app
from entrypoints.http.ops import serve_monitoring

log = logging.getLogger("marketplace")

# What `marketplace work` runs: the outbox relays (which publish to Kafka on infra), the payment error worker,
# the shipment poller, the saga sweeper (the built-in saga engine) or the saga worker (the sagas on Temporal),
# the recommendation build and error workers and the base feed.
WORKERS = [
    OUTBOX_RELAY,
    "payment-errors",
    "shipment-poller",
    "saga-sweeper",
    "saga-worker",
    "recommendation-builds",
    "recommendation-errors",
    "base-feed",
]

# The operator acting from the command line (granting the first admin role, say).
OPERATOR = Principal("operator", frozenset({Role.ADMIN}), "cli")


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve(settings: Settings, host: str, port: int, demo: bool = False, *, everything: bool = True) -> None:
    """The HTTP API. On memory, and with ``everything`` (``marketplace run``), with every consumer group
    and worker in the same process; otherwise (``marketplace serve`` on infra) with the outbox relays, so
    what it commits reaches Kafka for the `consume` and `work` processes to take up: it keeps no state of
    its own, so any number of `serve` processes answer alike behind a balancer."""
    alone = settings.uses_infra and not everything
    service = "marketplace-run" if everything else "marketplace-serve"  # the process's name in its traces
    runtime = await bootstrap(settings, consumers=[] if alone else None, service=service)
    runner = web.AppRunner(create_app(runtime), access_log=None)
    await runner.setup()
    seeding: asyncio.Task[None] | None = None
    try:
        await web.TCPSite(runner, host, port).start()
        runtime.start_background([OUTBOX_RELAY] if alone else None)
        log.info("marketplace (%s profile) serving on http://%s:%d, docs at /api/docs", settings.profile, host, port)
        if demo:
            seeding = asyncio.get_running_loop().create_task(_seed(runtime, _local_url(host, port)))
        await _until_stopped()
    finally:
        if seeding is not None:
            seeding.cancel()
        await runner.cleanup()
        await runtime.close()


def _local_url(host: str, port: int) -> str:
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{port}"  # noqa: S104


async def _seed(runtime: Runtime, base_url: str) -> None:
    from entrypoints.demo import ADMIN_EMAIL, CUSTOMER_EMAIL, PASSWORD, seed_demo

    log.info("filling the demo shop...")
    try:
        count = await seed_demo(runtime, base_url)
    except Exception:
        log.exception("the demo shop could not be filled")
        return
    log.info(
        "demo shop ready: %d products; open %s/ and log in as %s or %s with the password %r",
        count,
        base_url,
        CUSTOMER_EMAIL,
        ADMIN_EMAIL,
        PASSWORD,
    )


async def seed(settings: Settings) -> None:
    """The demo catalogue into the infra profile's databases, through an API served just for it."""
    if not settings.uses_infra:
        raise SystemExit(
            "marketplace seed: the memory profile keeps nothing between processes; "
            "run `marketplace serve --demo` (or scripts/run) instead"
        )
    runtime = await bootstrap(settings)
    runner = web.AppRunner(create_app(runtime), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runtime.start_background()
        await _seed(runtime, _local_url("127.0.0.1", runner.addresses[0][1]))
    finally:
        await runner.cleanup()
        await runtime.close()


async def work(settings: Settings, names: list[str], host: str | None = None, metrics_port: int = 0) -> None:
    """The named workers (infra): the outbox relays, the payment error worker, the poller, the sweeper, the
    recommendation builds, the recommendation error worker and the base feed. With ``metrics_port``,
    /metrics and /health/* on it."""
    if not settings.uses_infra:
        raise SystemExit("workers need the infra profile (MARKETPLACE_PROFILE=infra): on memory, use serve")
    engine_workers = {"builtin": "saga-sweeper", "temporal": "saga-worker"}
    for engine, worker in engine_workers.items():
        if worker in names and settings.saga_engine != engine:
            raise SystemExit(f"{worker} runs the sagas of the {engine} engine: this shop's is {settings.saga_engine}")
    runtime = await bootstrap(settings, consumers=[], service="marketplace-work")
    monitoring: web.AppRunner | None = None
    try:
        monitoring = await _monitoring(runtime, host or settings.host, metrics_port)
        runtime.start_background(names)
        log.info("workers running: %s", ", ".join(names))
        await _until_stopped()
    finally:
        if monitoring is not None:
            await monitoring.cleanup()
        await runtime.close()


async def consume(settings: Settings, groups: list[str], host: str | None = None, metrics_port: int = 0) -> None:
    """The named consumer groups (infra), fed by Kafka: as many processes may run a group as it has
    partitions, and Kafka shares them out. With ``metrics_port``, /metrics and /health/* on it."""
    if not settings.uses_infra:
        raise SystemExit("consumers need the infra profile (MARKETPLACE_PROFILE=infra): on memory, use serve")
    runtime = await bootstrap(settings, consumers=groups, service="marketplace-consume")
    monitoring: web.AppRunner | None = None
    try:
        monitoring = await _monitoring(runtime, host or settings.host, metrics_port)
        runtime.start_background([CONSUMERS])
        log.info("consumer groups running: %s", ", ".join(groups))
        await _until_stopped()
    finally:
        if monitoring is not None:
            await monitoring.cleanup()
        await runtime.close()


async def _monitoring(runtime: Runtime, host: str, port: int) -> web.AppRunner | None:
    if not port:
        return None
    runner = await serve_monitoring(runtime, host, port)
    log.info("metrics on http://%s:%d/metrics", host, port)
    return runner


async def show_dead_letters(settings: Settings, replay: bool) -> None:
    """List the events consumer groups gave up on, or send them back to their topics."""
    if not settings.uses_infra:
        raise SystemExit("dead letters live on Kafka: the infra profile (MARKETPLACE_PROFILE=infra)")
    desk, close = dead_letters(settings)
    try:
        if replay:
            print(f"{await desk.replay()} dead letter(s) sent back to their topics")
            return
        letters = await desk.list()
        for letter in letters:
            state = "replayed" if letter.replayed else "waiting"
            print(
                f"{letter.position}  {state:8}  group={letter.group}  {letter.event_type}  id={letter.event_id}  "
                f"key={letter.key}  tries={letter.attempts}  from={letter.source}\n    {letter.error}"
            )
        print(f"{len(letters)} dead letter(s), {sum(not x.replayed for x in letters)} not replayed")
    finally:
        await close()


async def sandbox(settings: Settings, kind: str, host: str, port: int, webhook_url: str | None) -> None:
    """A sandbox (the payment gateway or the carrier) serving until stopped."""
    runner = web.AppRunner(sandbox_app(kind, settings, port, webhook_url), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        where = webhook_url or "nowhere"
        log.info("sandbox %s serving on http://%s:%d, webhooks to %s", kind, host, port, where)
        await _until_stopped()
    finally:
        await runner.cleanup()


async def migrate(settings: Settings) -> None:
    for database, applied in (await migrate_all(settings)).items():
        print(f"{database}: {len(applied)} migration(s) applied" + (f": {', '.join(applied)}" if applied else ""))
    if settings.uses_infra:
        created = await create_topics(settings)
        print(f"kafka: {len(created)} topic(s) created" + (f": {', '.join(created)}" if created else ""))
        made = await create_bucket(settings)
        print(f"s3: bucket {settings.s3_bucket} " + ("created" if made else "was there"))


async def reindex(settings: Settings) -> None:
    """A new copy of the search index from the products and sellers contexts, swapped in for the live one
    with no downtime; the consumers keep both current meanwhile."""
    from core.search.use_cases import RebuildSearchIndex
    from entrypoints.progress import ProgressBar

    runtime = await bootstrap(settings, consumers=[])
    try:
        rebuild = runtime.resolve(RebuildSearchIndex)
        products = ProgressBar("products", await rebuild.live_products())
        sellers = ProgressBar("sellers", 0)
        done = await rebuild(products, sellers)
        products.finish(done.products)
        sellers.finish(done.sellers)
        print(f"search index rebuilt: {done.products} product(s), {done.sellers} storefront(s)")
    finally:
        await runtime.close()


async def set_roles(settings: Settings, email: str, roles: list[str]) -> None:
    runtime: Runtime = await bootstrap(settings)
    try:
        account = await runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email=email))
        wanted = frozenset(Role(r) for r in roles)
        view = await runtime.resolve(SetUserRoles)(SetRoles(OPERATOR, account.user_id, wanted))
        await runtime.settle()
        print(f"{view.email}: {', '.join(view.roles)}")
    finally:
        await runtime.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marketplace", description="The marketplace platform.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("serve", "run the HTTP API (on infra: with the outbox relays; on memory: with everything)"),
        ("run", "run the HTTP API, the consumers and the workers in one process"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default=None, help="address to listen on (MARKETPLACE_HOST)")
        p.add_argument("--port", type=int, default=None, help="port to listen on (MARKETPLACE_PORT)")
        p.add_argument("--demo", action="store_true", help="fill the shop with the demo catalogue at start")
    p = sub.add_parser("work", help="run workers: " + ", ".join(WORKERS))
    p.add_argument("workers", nargs="+", choices=WORKERS)
    _monitoring_options(p)
    p = sub.add_parser("consume", help="run consumer groups, fed by Kafka (infra)")
    p.add_argument("groups", nargs="+", choices=sorted(GROUPS))
    _monitoring_options(p)
    p = sub.add_parser("dead-letters", help="the events consumer groups gave up on (infra)")
    p.add_argument("action", choices=["list", "replay"])
    p = sub.add_parser("sandbox", help="run a sandbox of an external API: the payment gateway or the carrier")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=None, help="port to listen on (payments 8091, logistics 8092)")
    p.add_argument("--webhook-url", default=None, help="where to send webhooks (default: the shop on MARKETPLACE_PORT)")
    p.add_argument("--no-webhooks", action="store_true", help="send no webhooks")
    sub.add_parser("migrate", help="create the databases and apply every context's migrations")
    p = sub.add_parser("seed", help="load the demo catalogue (infra profile)")
    p.add_argument("--demo", action="store_true", required=True, help="the demo shop: sellers, a few hundred products")
    sub.add_parser("reindex", help="rebuild the search index from the catalogue, swapped in with no downtime")
    p = sub.add_parser("set-roles", help="set a user's roles, e.g. make the first admin")
    p.add_argument("email")
    p.add_argument("roles", nargs="+", choices=[r.value for r in Role])
    return parser


def _monitoring_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, help="address of the metrics listener (MARKETPLACE_HOST)")
    p.add_argument(
        "--metrics-port", type=int, default=None, help="serve /metrics and /health/* here (MARKETPLACE_METRICS_PORT)"
    )


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        sys.exit(f"marketplace: bad configuration: {exc}")
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    access_log.configure()
    job: Callable[[], Awaitable[None]]
    if args.command in ("serve", "run"):
        host = args.host or settings.host
        port = args.port or settings.port
        everything = args.command == "run"
        job = lambda: serve(settings, host, port, args.demo, everything=everything)  # noqa: E731
    elif args.command in ("work", "consume"):
        metrics_port = settings.metrics_port if args.metrics_port is None else args.metrics_port
        run = work if args.command == "work" else consume
        names = args.workers if args.command == "work" else args.groups
        job = lambda: run(settings, names, args.host, metrics_port)  # noqa: E731
    elif args.command == "dead-letters":
        job = lambda: show_dead_letters(settings, args.action == "replay")  # noqa: E731
    elif args.command == "sandbox":
        hook = None if args.no_webhooks else args.webhook_url or default_webhook_url(args.kind, settings)
        port = args.port or DEFAULT_PORTS[args.kind]
        job = lambda: sandbox(settings, args.kind, args.host, port, hook)  # noqa: E731
    elif args.command == "migrate":
        job = lambda: migrate(settings)  # noqa: E731
    elif args.command == "seed":
        job = lambda: seed(settings)  # noqa: E731
    elif args.command == "reindex":
        job = lambda: reindex(settings)  # noqa: E731
    else:
        job = lambda: set_roles(settings, args.email, args.roles)  # noqa: E731
    try:
        asyncio.run(job())
    except DomainError as exc:
        sys.exit(f"marketplace: {exc.message}")
    except RuntimeError as exc:  # a migration that cannot apply, say: the message says which and why
        sys.exit(f"marketplace: {exc}")
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
