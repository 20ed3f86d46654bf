"""The Celery app. Periodic tasks are declared once, in the beat schedule below."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opmodel.settings")

app = Celery("opmodel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_broker_folders() -> None:
    # kombu's filesystem transport needs its folders before the first message.
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


app.on_after_configure.connect(lambda sender, **kwargs: _ensure_broker_folders(), weak=False)

# Alerts never wait behind reports: deadline and approval scans, e-mail, reminders and the
# heartbeat go to the "alerts" queue (the default, so a new task lands there unless routed),
# the weekly figures to "metrics". A long backfill then holds only the metrics worker; each queue
# has a worker of its own in docker-compose.yml (scripts/run's one worker consumes both).
ALERTS_QUEUE = "alerts"
METRICS_QUEUE = "metrics"
app.conf.task_default_queue = ALERTS_QUEUE
app.conf.task_routes = {
    "metrics.tasks.weekly_*": {"queue": METRICS_QUEUE},
    "flow.tasks.*": {"queue": METRICS_QUEUE},
}

app.conf.beat_schedule = {
    "worker-heartbeat": {"task": "metrics.tasks.worker_heartbeat", "schedule": 60.0},
    # Expires before the next run: a backlog of scans after an outage collapses into one.
    "deadline-scan": {
        "task": "metrics.tasks.deadline_scan",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Promises whose expected date passed the promised one: told once per spell. Every five
    # minutes: an expected date moves by days, not seconds, and each run reads every promise.
    "promise-risk-scan": {
        "task": "metrics.tasks.promise_risk_scan",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    "approval-escalation-scan": {
        "task": "metrics.tasks.approval_escalation_scan",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The week in progress, refreshed for the dashboards; expires like the scan.
    "weekly-snapshots-current": {
        "task": "metrics.tasks.weekly_snapshots_current",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    # The week that just ended (in each process's time zone), and any week missed while the
    # workers were down; weeks already complete are skipped, so most runs do nothing.
    "weekly-snapshots-catch-up": {
        "task": "metrics.tasks.weekly_snapshots_catch_up",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
    # The process map's ledger of visits caught up, so that a map read folds only what is new.
    "flow-map-ledger-catch-up": {
        "task": "flow.tasks.map_ledger_catch_up",
        "schedule": 10 * 60.0,
        "options": {"expires": 9 * 60},
    },
    # Goal owners whose key results' check-ins are overdue, reminded once per overdue spell.
    "goals-check-in-reminders": {
        "task": "goals.tasks.checkins_overdue_notify",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
    # Stock counters against their ledger, nightly; the health page shows what it found.
    "stock-check": {
        "task": "stock.tasks.stock_check",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 23 * 60 * 60},
    },
    # Shortages whose catch-up message was lost (the broker down) get their purchase cards.
    "stock-shortages-sweep": {
        "task": "stock.tasks.shortages_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # E-mails of notifications written while the broker was down (never queued), sent once.
    "notifications-emails-never-queued": {
        "task": "notifications.tasks.emails_never_queued_send",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Clients past their segment's usual interval between orders get a reactivation card
    # (one open card per client: a unique index); hourly, as intervals run in days.
    "sales-reactivation-scan": {
        "task": "sales.tasks.reactivation_scan",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
    # Owners of decisions past their due date, told once per decision.
    "reviews-decisions-overdue": {
        "task": "reviews.tasks.decisions_overdue_notify",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
}
