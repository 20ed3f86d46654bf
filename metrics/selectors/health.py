"""What the health page checks: the database, the broker and the workers' heartbeats.

Each check answers {"status": "ok" | "down" | "stale", ...} and never raises: the page must
render when the thing it checks is broken. An error names its kind only; the full message (with
the broker's or database's address, or a folder) goes to the log, never into the answer.
"""

import logging
import os
from datetime import datetime, timedelta

from django.db import DatabaseError, connection

from metrics.models import WorkerHeartbeat
from metrics.services import HEARTBEAT_DEADLINE_SCAN, HEARTBEAT_WORKER

logger = logging.getLogger(__name__)

OK, DOWN, STALE = "ok", "down", "stale"
# A finding for staff (e.g. stock counters that disagree with their ledger) that does not make
# the site unhealthy for a probe: the site still serves.
WARNING = "warning"

# Checks that apps above metrics add at start-up (metrics never imports them): name -> check().
EXTRA_CHECKS: dict = {}


def health_check_register(*, name: str, check) -> None:
    EXTRA_CHECKS[name] = check


# Both jobs run every minute (opmodel/celery.py); a few missed beats mean the worker or beat
# is gone, one missed beat may be a long scan.
HEARTBEAT_STALE_AFTER = {
    HEARTBEAT_DEADLINE_SCAN: timedelta(minutes=5),
    HEARTBEAT_WORKER: timedelta(minutes=5),
}
BROKER_TIMEOUT_SECONDS = 2
FILESYSTEM_BROKER_FOLDERS = (
    "data_folder_in",
    "data_folder_out",
    "processed_folder",
    "control_folder",
)


def database_check() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"status": DOWN, "error": _short(exc, "The database cannot be reached")}
    return {"status": OK}


def broker_check() -> dict:
    """Can a producer reach the broker? The filesystem broker: are its folders writable?"""
    from opmodel.celery import app

    url = app.conf.broker_url or ""
    if url.startswith("filesystem://"):
        options = app.conf.broker_transport_options or {}
        folders = {options[key] for key in FILESYSTEM_BROKER_FOLDERS if options.get(key)}
        broken = sorted(f for f in folders if not (os.path.isdir(f) and os.access(f, os.W_OK)))
        if broken:
            logger.warning("Broker folders missing or not writable: %s", ", ".join(broken))
            return {"status": DOWN, "error": "A broker folder is missing or not writable."}
        return {"status": OK}
    try:
        with app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
            # One quick retry, no back-off: a probe must answer in seconds.
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
            )
    except Exception as exc:  # any transport's failure, whatever its class, means down
        return {"status": DOWN, "error": _short(exc, "The broker cannot be reached")}
    return {"status": OK}


def heartbeats_check(*, now: datetime) -> dict[str, dict]:
    """The last completed deadline scan and worker heartbeat, in one query."""
    names = list(HEARTBEAT_STALE_AFTER)
    try:
        seen = dict(WorkerHeartbeat.objects.filter(name__in=names).values_list("name", "seen_at"))
    except DatabaseError as exc:
        error = _short(exc, "The database cannot be reached")
        return {name: {"status": DOWN, "last_seen": None, "error": error} for name in names}
    result = {}
    for name in names:
        last = seen.get(name)
        if last is None:
            result[name] = {"status": DOWN, "last_seen": None, "error": "Never ran."}
        elif now - last > HEARTBEAT_STALE_AFTER[name]:
            result[name] = {"status": STALE, "last_seen": last.isoformat()}
        else:
            result[name] = {"status": OK, "last_seen": last.isoformat()}
    return result


def health_report(*, now: datetime) -> dict:
    components = {
        "database": database_check(),
        "broker": broker_check(),
        **heartbeats_check(now=now),
    }
    for name, check in EXTRA_CHECKS.items():
        try:
            components[name] = check()
        except DatabaseError as exc:
            components[name] = {"status": DOWN, "error": _short(exc, "The check failed")}
    healthy = all(c["status"] in (OK, WARNING) for c in components.values())
    return {
        "status": OK if healthy else DOWN,
        "checked_at": now.isoformat(),
        "components": components,
    }


def _short(exc: Exception, what: str) -> str:
    logger.warning("%s: %s: %s", what, type(exc).__name__, exc)
    return f"{what} ({type(exc).__name__})."
