"""Settings for cxmetrics: one file, driven by environment variables.

With no environment at all the project runs on a bare machine: SQLite in the project folder and
Celery in eager mode (tasks run in-process). Set DATABASE_URL (PostgreSQL through psycopg 3) and
CELERY_BROKER_URL (Redis) to use the real services. See README.md for every variable.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _development_secret_key() -> str:
    """A random key generated once per checkout and kept in .secret_key (git-ignored)."""
    path = BASE_DIR / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or _development_secret_key()
# Customer ids are stored only as HMAC-SHA256(CUSTOMER_HASH_KEY, id): set a separate key in
# production so that rotating SECRET_KEY (sessions) does not change every customer_ref.
CUSTOMER_HASH_KEY = env_str("CUSTOMER_HASH_KEY") or SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: /api/docs/ works offline
    "simple_history",
    "cxmetrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "cxmetrics.urls"
WSGI_APPLICATION = "cxmetrics.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL is set -------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The organisation's time zone: days, weeks and months of every figure are counted in it.
TIME_ZONE = env_str("CX_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files from the apps' folders without collectstatic (make run, tests).
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "SAMEORIGIN"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cxmetrics@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Eager tasks (make run, tests) would log every task run; workers configure their own.
    "loggers": {"celery.app.trace": {"level": "WARNING"}},
}

# --- Cache (API-key rate limits): per process by default; set CACHE_URL=redis://... so that
# every web process shares one count in production.
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Celery: eager (in-process) by default, Redis when CELERY_BROKER_URL is set -------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when the broker is down: ingest has already committed, and the
# periodic refresh catches up from the dirty marks kept in the database.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "refresh-dirty-rollups": {
        "task": "cxmetrics.tasks.refresh_dirty_rollups",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "score-pending-sentiment": {
        "task": "cxmetrics.tasks.score_pending_sentiment",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "nightly-rollup-check": {
        "task": "cxmetrics.tasks.rebuild_yesterday",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 3600},
    },
    "nightly-goal-snapshots": {
        "task": "cxmetrics.tasks.snapshot_goals",
        "schedule": crontab(hour=2, minute=45),
        "options": {"expires": 3600},
    },
    "evaluate-goal-alerts": {
        "task": "cxmetrics.tasks.evaluate_goal_alerts",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 600},
    },
}

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cxmetrics.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env_str("API_KEY_RATE", "1200/min")},
    # OpenAPI truth: bodies are JSON unless a view says otherwise (ingest adds NDJSON and CSV);
    # form and multipart bodies were advertised in the schema but never worked.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # An unknown or repeated ?format= is a 400 naming the allowed values, not a 404.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cxmetrics.api.parsers.StrictFormatNegotiation",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cxmetrics API",
    "DESCRIPTION": (
        "Push customer-experience responses (NPS, CSAT, CES, sentiment) from every channel and "
        "read shared figures back, with sample sizes and 95% intervals."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cxmetrics.api.schema.postprocess_truth",
    ],
}

# --- Product settings ----------------------------------------------------------------------
CX_LOW_SAMPLE_N = env_int("CX_LOW_SAMPLE_N", 30)
CX_REDACT_COMMENTS = env_bool("CX_REDACT_COMMENTS", True)
CX_INGEST_MAX_ITEMS = env_int("CX_INGEST_MAX_ITEMS", 10_000)
CX_INGEST_MAX_BYTES = env_int("CX_INGEST_MAX_BYTES", 20 * 1024 * 1024)
CX_ALERT_WEBHOOK_URL = env_str("CX_ALERT_WEBHOOK_URL")
CX_ALERT_WEBHOOK_SECRET = env_str("CX_ALERT_WEBHOOK_SECRET")
DATA_UPLOAD_MAX_MEMORY_SIZE = CX_INGEST_MAX_BYTES
