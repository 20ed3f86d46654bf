"""What the benchmark scripts share: their bench database, starting Django on it, the people and
clients of order to cash, the machine and code measured, the command line and the report."""

import argparse
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# The database and Django


def database_recreate(url: str) -> None:
    """Drop and create the bench database, so that every run starts from the same state."""
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in Path(name).name:
        sys.exit(f"Refusing to drop {name!r}: the bench database's name must contain 'bench'.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    if "postgresql" not in config["ENGINE"]:
        sys.exit(f"Unsupported database engine: {config['ENGINE']}")
    import psycopg2
    from psycopg2 import sql

    server = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


def database_ready(url: str, django_start) -> None:
    """A fresh bench database, Django started on it by the script's ``django_start(url)`` (which
    calls `django_setup` and adds its own settings), and migrated."""
    database_recreate(url)
    django_start(url)
    from django.core.management import call_command

    print("Migrating the bench database...", flush=True)
    call_command("migrate", verbosity=0)


def django_setup(url: str):
    """Django on the bench database, as in production; returns its settings for the script to
    adjust."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opmodel.settings")
    import django
    from django.conf import settings

    django.setup()
    # With DEBUG on, Django keeps the text of every query (here megabytes of bulk INSERTs), and
    # that would be measured as the code's time and memory.
    settings.DEBUG = False
    return settings


# ---------------------------------------------------------------------------------------------
# Data


def people_create(*, holders: list[tuple[str, str]], reps: int, rep_role: str | None, clients: int):
    """Order to cash's people and clients (once per run): a user per (username, role kind) of
    ``holders`` holding that role, then ``reps`` responsible people (holding ``rep_role``, if
    any) and ``clients`` clients. Returns their ids (users by username too) and the process's
    block reasons."""
    from django.contrib.auth import get_user_model

    from processes.models import BlockReason, Client, Process
    from roles.models import ProcessRole

    User = get_user_model()
    process = Process.objects.get(slug="order-to-cash")

    def user(username: str):
        person = User(username=username, email=f"{username}@example.com")
        person.set_unusable_password()
        person.save()
        return person

    users = {}
    for username, kind in holders:
        users[username] = user(username)
        ProcessRole.objects.create(process_id=process.pk, kind=kind, user=users[username])
    people = [user(f"bench_rep_{i:02}") for i in range(reps)]
    if rep_role:
        ProcessRole.objects.bulk_create(
            ProcessRole(process_id=process.pk, kind=rep_role, user=r) for r in people
        )
    width = len(str(clients - 1))
    made = Client.objects.bulk_create(
        Client(name=f"Bench client {i:0{width}}") for i in range(clients)
    )
    reasons = BlockReason.objects.filter(process=process).order_by("id")
    return {
        "process_id": process.pk,
        "user_ids": {name: u.pk for name, u in users.items()},
        "rep_ids": [r.pk for r in people],
        "rep_names": [r.username for r in people],
        "client_ids": [c.pk for c in made],
        "reason_ids": [r.pk for r in reasons],
        "reason_slugs": [r.slug for r in reasons],
    }


# ---------------------------------------------------------------------------------------------
# What was measured, the command line, the report


def machine() -> dict:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    import django

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
    }


def code_version() -> dict:
    """The commit measured, and whether the working tree had changes on top of it."""
    import subprocess

    def git(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_changes": bool(status)}


def arguments(doc: str, *, database_url: str, results: Path) -> argparse.ArgumentParser:
    """The options every benchmark takes: its database (dropped and recreated) and its output."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", database_url),
        help=f"dropped and recreated; its name must contain 'bench' ({database_url})",
    )
    parser.add_argument("--output", type=Path, default=results, help="where the JSON goes")
    return parser


def report_write(report: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, default=str) + "\n")


def report_heading(report: dict, name: str, details: str) -> str:
    """The line above the printed table: what, on which machine, when."""
    m = report["machine"]
    return (
        f"\n{name}, {m['database']}, Python {m['python']}, {m['cpus']} CPUs,"
        f" {report['date']}, {details}\n"
    )


class ScaleTable:
    """The printed report: a row per measure with its value at N/10 and at N, and their ratio."""

    def __init__(self, small: dict, big: dict, *, size: str):
        """``small``, ``big``: the two scales' results; ``size``: their key for the card count."""
        self.small, self.big = small, big
        self.rows = [("", f"{small[size]:,} cards", f"{big[size]:,} cards", "ratio")]

    def row(self, label: str, get, fmt: str = "{}", ratio: bool = True) -> None:
        """``get`` reads a value from a scale's results; ``fmt`` formats it (text passes as it
        is, None shows "-"); the ratio is big / small."""
        a, b = get(self.small), get(self.big)
        numbers = isinstance(a, int | float) and isinstance(b, int | float)
        shown = (f"{b / a:.1f}x" if a else "-") if ratio and numbers else ""
        self.rows.append((label, _shown(fmt, a), _shown(fmt, b), shown))

    def text(self) -> str:
        widths = [max(len(r[i]) for r in self.rows) for i in range(4)]
        lines = [
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in self.rows
        ]
        lines.insert(1, "-" * len(lines[0]))
        return "\n".join(lines)


def _shown(fmt: str, value) -> str:
    return value if isinstance(value, str) else "-" if value is None else fmt.format(value)
