"""Opmodel settings: one module, read from the environment.

Defaults run with no server at all (SQLite file, Celery on kombu's filesystem broker);
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis. DEBUG=0 turns on the
production hardening that `manage.py check --deploy` asks for.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from opmodel.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OPMODEL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

if DEBUG:
    # A development key: never used with DEBUG off, where SECRET_KEY must be set.
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-3c1f0a9e7b5d4e2f8a6b0c9d1e3f5a7b9c")
else:
    SECRET_KEY = env_str("SECRET_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "notifications",
    "csp",
    "opmodel",  # the base template's filters (opmodel/templatetags)
    "roles",
    "processes",
    "metrics",
    "goals",
    "reviews",
    "flow",
    "stock",
    "finance",
    "sales",
    "service",
    "designer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every answer carries the policy, even those of the guards below it.
    "csp.middleware.CSPMiddleware",
    "opmodel.middleware.RefuseNulBytes",
    "opmodel.middleware.RefuseRepeatedApiParameters",
    "opmodel.middleware.UploadLimit",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opmodel.middleware.LoginRequiredExceptApi",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login refused by django-axes into the lockout page (roles/views/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opmodel.urls"
WSGI_APPLICATION = "opmodel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.alerts",
            ],
            # The filters about processes (clocks, zones) on every page, beside opmodel_ui's.
            "builtins": ["processes.templatetags.process_ui"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'opmodel.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Wait for the worker's write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Tests use a file, not memory, because the Celery integration test's worker is another
    # process and must see the test database; one file per test run (pid), so that two runs in
    # the same checkout never delete each other's database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"opmodel-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out account or address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
OPMODEL_DOCUMENT_MAX_BYTES = env_int("OPMODEL_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# Files stop being read past OPMODEL_DOCUMENT_MAX_BYTES (opmodel/uploads.py), then go to memory
# or a temporary file as usual.
FILE_UPLOAD_HANDLERS = [
    "opmodel.uploads.UploadSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Accepted document types, by extension; each is checked by its content (processes/documents.py).
OPMODEL_DOCUMENT_TYPES = env_list(
    "OPMODEL_DOCUMENT_TYPES",
    [
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "docx",
        "xlsx",
        "pptx",
        "odt",
        "ods",
        "txt",
        "csv",
    ],
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "board"
LOGOUT_REDIRECT_URL = "login"

# E-mail: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# A folder instead: every message becomes a file (used by the worker integration tests).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", "")
if EMAIL_FILE_PATH and not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "opmodel@localhost")
# Seconds a worker waits on the mail server before giving up (the task then retries): a server
# that hangs must not hold a worker forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The first retry of a failed e-mail comes within this many seconds, each next one within twice
# as many (up to ten minutes): notifications/tasks.py.
OPMODEL_EMAIL_RETRY_SECONDS = env_int("OPMODEL_EMAIL_RETRY_SECONDS", 30)
# The address people open the site at: links in e-mails start with it.
OPMODEL_SITE_URL = env_str("OPMODEL_SITE_URL", "http://localhost:8000")

# /health/ needs a login, or this token (Authorization: Bearer <token>, or ?token=) for an
# operator's probe. Empty: no token is accepted.
OPMODEL_HEALTH_TOKEN = env_str("OPMODEL_HEALTH_TOKEN", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "roles.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, with its depth and size bounded before parsing (opmodel/parsers.py). DRF's form
    # parsers read leniently (a body that is no object as an empty change, text trimmed past its
    # schema's maxLength); only the login takes a form too (roles/api/auth.py). Others: 415.
    "DEFAULT_PARSER_CLASSES": ["opmodel.parsers.BoundedJSONParser"],
    # What DRF's test client sends when a test names no format: what the API takes.
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "opmodel.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "opmodel.errors.api_exception_handler",
    # Requests per address to POST /api/auth/token/, failed or not (django-axes counts failures).
    "DEFAULT_THROTTLE_RATES": {"auth-token": env_str("OPMODEL_API_TOKEN_RATE", "20/minute")},
    "UNAUTHENTICATED_USER": None,
}
# The cache holds the throttles' counts, so every worker process must share it: a table of the
# database by default (`manage.py createcachetable` makes it; scripts/run, .ci/schemathesis and
# docker compose run it), Redis with OPMODEL_CACHE_URL=redis://host:port/db.
OPMODEL_CACHE_URL = env_str("OPMODEL_CACHE_URL", "")
if OPMODEL_CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": OPMODEL_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif OPMODEL_CACHE_URL:
    raise ImproperlyConfigured("OPMODEL_CACHE_URL: give a redis:// address, or leave it empty.")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "opmodel_cache",
        }
    }
# Content-Security-Policy (django-csp 4): our own files only, no inline script or style, no
# plugins, no framing. Scripts and styles live in static/; a page that needs more (the API docs'
# Swagger UI) widens it for itself with csp_update.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# API tokens (django-rest-knox): a new one per login, expiring, sent as "Token <token>".
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("OPMODEL_API_TOKEN_HOURS", 10)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Password guessing (django-axes): after OPMODEL_LOGIN_FAILURE_LIMIT failures for one username
# from one address, or from one address, logins are refused for OPMODEL_LOGIN_LOCKOUT_MINUTES
# (counted from the last counted failure), on the login page, the admin's and the token
# endpoint alike.
# `manage.py axes_reset_username <name>` or `axes_reset` unlocks sooner.
AXES_FAILURE_LIMIT = env_int("OPMODEL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("OPMODEL_LOGIN_LOCKOUT_MINUTES", 15))
# What is locked: the pair (username, address), and an address trying many usernames; never a
# username alone, or a stranger's five wrong passwords would lock the real user out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Attempts while locked out do not push the end of the lockout further: the page's "try again in
# N minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "roles.views.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind N trusted proxies the client's address is the Nth from the right of X-Forwarded-For;
# without this every visitor would share the proxy's address (and its lockout).
_PROXY_COUNT = env_int("OPMODEL_TRUSTED_PROXY_COUNT", 0)
# DRF's throttles read the same count: left unset (None), DRF takes the whole X-Forwarded-For a
# client sends as its address, so a spoofed header would get a fresh allowance each request.
REST_FRAMEWORK["NUM_PROXIES"] = _PROXY_COUNT
if _PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = _PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

SPECTACULAR_SETTINGS = {
    "TITLE": "Opmodel API",
    "DESCRIPTION": "Request cards, transitions, blocks and history of Opmodel processes.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    # The status clock and the whole-process target share one set of states.
    "ENUM_NAME_OVERRIDES": {
        "SLAStateEnum": "processes.models.SLAState",
        # A review level and a goal's cadence are the same three words: one enum.
        "CadenceEnum": "goals.definitions.Cadence",
        "StockMovementKindEnum": "stock.api.serializers.MovableKind",
        "EventKindEnum": "processes.models.EventKind",
        "RoleKindEnum": "roles.models.RoleKind",
        "ComplaintReasonEnum": "service.definitions.Reason",
        "ExceptionReasonEnum": "processes.models.approvals.ExceptionReason",
        "InvoiceStateEnum": "finance.models.InvoiceState",
    },
    # The framework's error answers (400, 401, 403, 404, 409, 413, 429), documented once.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opmodel.api_schema.error_responses",
    ],
}

# Celery: kombu's filesystem transport by default (no server), Redis with CELERY_BROKER_URL.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = Path(env_str("CELERY_BROKER_DIR", str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # The same folder in and out: producers write where the worker reads.
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # How long the worker waits before looking at the folder again when it found nothing it
        # could take. kombu's default, a second, is paid per message here (a worker of one
        # takes the next message only once the last is acknowledged): a queue of a few hundred
        # e-mails held the deadline scan back for minutes. A tenth of a second: a folder listing.
        "polling_interval": 0.1,
    }
# A request that queues a task (the e-mails of notifications) waits at most half a second on an
# unreachable broker, and tries once (kombu would otherwise retry the connection for seconds);
# what could not be queued is swept later (notifications/services.py). A worker's own consumer
# connection keeps Celery's reconnecting (broker_connection_retry), which these do not touch.
OPMODEL_BROKER_FAIL_FAST = {"socket_connect_timeout": 0.5, "max_retries": 0}
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = OPMODEL_BROKER_FAIL_FAST
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

OPMODEL_DEMO_PASSWORD = env_str("OPMODEL_DEMO_PASSWORD", "demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
