"""Settings come from the environment and fail loudly on bad values (each case in a fresh
process: settings are read once per process)."""

import os
import re
import secrets
import subprocess
import sys

from django.conf import settings

# What the machine's, CI's or the test run's environment may carry (tests/conftest.py sets
# DJANGO_ALLOW_ASYNC_UNSAFE for Playwright), removed so each case states its own.
_SETTINGS_ENV = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in _SETTINGS_ENV}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "opmodel.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(**env: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "opmodel.example.com",
        **env,
    }


def test_deploy_check_is_clean_under_production_settings():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **_production())

    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_off_without_secret_key_fails_loudly():
    env = _production()
    del env["SECRET_KEY"]

    result = _run("manage.py", "check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_bad_boolean_fails_loudly():
    result = _run("manage.py", "check", DEBUG="maybe")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_database_url_switches_to_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = _run(
        "-c",
        f"import django; django.setup(); {code}",
        DATABASE_URL="postgres://opmodel:secret@db.example.com:5432/opmodel",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_defaults_need_no_server():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)"
    )
    result = _run("-c", f"import django; django.setup(); {code}")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]


def test_env_example_and_readme_list_every_setting():
    source = (settings.BASE_DIR / "opmodel" / "settings.py").read_text()
    names = set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", source))
    example = (settings.BASE_DIR / ".env.example").read_text()
    readme = (settings.BASE_DIR / "README.md").read_text()

    assert names, "no env_*() reads found in settings.py"
    assert sorted(n for n in names if not re.search(rf"^#?\s*{n}=", example, re.M)) == []
    assert sorted(n for n in names if f"`{n}`" not in readme) == []


def test_the_embedded_broker_polls_often_enough_for_a_queue_of_mails(tmp_path):
    """kombu's filesystem transport waits `polling_interval` between looks at the folder, and
    a worker of one pays it per message: at its default (1 s) the demo's queue of e-mails held
    the first deadline scan back for minutes and /health/ read "down"."""
    code = (
        "from django.conf import settings; from opmodel.celery import app; "
        "options = settings.CELERY_BROKER_TRANSPORT_OPTIONS; "
        "channel = app.connection().default_channel; "
        "print(options['polling_interval'], channel.connection.polling_interval)"
    )
    result = _run("-c", f"import django; django.setup(); {code}", OPMODEL_VAR_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.1", "0.1"]
