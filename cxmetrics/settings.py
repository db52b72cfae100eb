"""Settings for cxmetrics: one file, driven by environment variables.

With no environment at all the project runs on a bare machine: SQLite in the project folder and
Celery in eager mode (tasks run in-process). Set DATABASE_URL (PostgreSQL through psycopg 3) and
CELERY_BROKER_URL (Redis) to use the real services. See README.md for every variable; they are
read with the helpers of cxmetrics/env.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from cxmetrics.env import development_secret_key, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or development_secret_key(BASE_DIR / ".secret_key")
# Customer ids are stored only as HMAC-SHA256(CUSTOMER_HASH_KEY, id): set a separate key in
# production so that rotating SECRET_KEY (sessions) does not change every customer_ref.
CUSTOMER_HASH_KEY = env_str("CUSTOMER_HASH_KEY") or SECRET_KEY
# Outbound webhook signing secrets are derived from this key and a random salt per endpoint
# (docs/webhooks.md): set a separate key in production, since changing it changes every
# endpoint's secret (receivers would then refuse our signatures until given the new ones).
CX_WEBHOOK_KEY = env_str("CX_WEBHOOK_KEY") or SECRET_KEY
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
    "knox",  # personal API tokens, stored hashed, with an expiry (see "Deployment" below)
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: /api/docs/ works offline
    "simple_history",
    "axes",
    "cxmetrics",
    "workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
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
                "workspace.navigation.header",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL is set -------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # No JIT: every read here is a short query over indexes or rollups, and PostgreSQL's
        # JIT compiled the follow-ups' summary for 0.7 s to run it in 0.1 s (bench/followups.py).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
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
# The dashboards' Bootstrap and stylesheet, for the workspace's pages too (one copy).
STATICFILES_DIRS = [("dashboards", BASE_DIR / "dashboards" / "assets")]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Login throttling (django-axes, cxmetrics/logins.py): failures counted per username and,
# independently, per address, in the database; unlock in /admin/axes/ or manage.py axes_reset_*.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CX_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CX_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # two separate counts, not the pair
AXES_RESET_ON_SUCCESS = True  # a successful login forgets that user's earlier typos
AXES_LOCKOUT_CALLABLE = "cxmetrics.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cxmetrics.logins.client_ip"
# Reverse proxies in front of gunicorn that append to X-Forwarded-For (0: use REMOTE_ADDR).
CX_TRUSTED_PROXIES = env_int("CX_TRUSTED_PROXIES", 0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Deployment: transport security, framing, content policy, sessions and tokens ---------
# The defaults keep `make run` working on plain http://127.0.0.1; production sets the
# variables of the README's production section, and `manage.py check --deploy` is then clean
# (tests/core/test_deploy.py).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# HSTS pins https in browsers for this long: 0 (off) until the site is known to work on https.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients):
# without it SECURE_SSL_REDIRECT would redirect every proxied request forever.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", False) else None
)
# Nothing of ours is meant to be framed (the dashboards are a page, not an embed).
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("CX_SESSION_HOURS", 12) * 3600
# Every page: scripts only from here or inline with the page's nonce (Dash's inline scripts get
# it in dashboards/app.py; Swagger UI's start-up script is a file, SpectacularSwaggerSplitView),
# never 'unsafe-inline' nor 'unsafe-eval' (plotly.js, SVG traces, needs no eval). Styles
# likewise (templates' <style nonce=...>), except under /dashboards/, where Dash and plotly.js
# write styles at run time (dashboards/views.py). Icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Personal API tokens (`manage.py create_token`, POST /api/v1/auth/token): only a SHA-512
# digest is stored; each expires after CX_TOKEN_TTL_HOURS (30 days by default).
CX_TOKEN_TTL_HOURS = env_int("CX_TOKEN_TTL_HOURS", 30 * 24)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=CX_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cxmetrics@localhost")
# Where people reach this site: links in e-mails and webhook payloads are built from it (no
# request to take the host from). The default is `make run`'s address.
CX_PUBLIC_URL = env_str("CX_PUBLIC_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Eager tasks (make run, tests) would log every task run; workers configure their own.
    "loggers": {"celery.app.trace": {"level": "WARNING"}},
}

# --- Cache (rate-limit counts only): per process by default; set CACHE_URL=redis://... so that
# every web process shares one count in production. Sessions live in the database, so the
# cache is never needed to answer: short timeouts, and an unreachable cache lets requests
# through (cxmetrics.api.permissions), skipped for CX_CACHE_BACKOFF_SECONDS after a failure.
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CX_CACHE_BACKOFF_SECONDS = env_int("CX_CACHE_BACKOFF_SECONDS", 30)

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
# Publishing must fail fast when the broker is down: ingest has already committed its rows with
# their pending rollup work (a batch's new-rows note, dirty marks of updated rows: see
# services/rollups.py), and the periodic refresh and scoring catch up from the database.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_TASK_PUBLISH_RETRY = False
# After one failed publish a web process queues nothing for this long (no connection attempt,
# one warning): a stopped or hung broker costs one request, not every request.
CX_BROKER_BACKOFF_SECONDS = env_int("CX_BROKER_BACKOFF_SECONDS", 30)
# Follow-up e-mails to leads (cxmetrics.services.followups.notifications): every this many
# minutes; a run looks back this many hours for follow-ups opened or fallen overdue (each is
# mailed once per lead and kind, so the look-back only bounds what a run reads).
CX_FOLLOWUP_NOTIFY_MINUTES = env_int("CX_FOLLOWUP_NOTIFY_MINUTES", 15)
CX_FOLLOWUP_NOTIFY_LOOKBACK_HOURS = env_int("CX_FOLLOWUP_NOTIFY_LOOKBACK_HOURS", 24)
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
    # Follow-ups: evaluate the noted responses (catches up after a broker outage).
    "open-followups": {
        "task": "cxmetrics.tasks.open_followups",
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
    # Privacy: anonymise responses past CX_RETENTION_DAYS (does nothing when unset).
    "nightly-retention": {
        "task": "cxmetrics.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 3600},
    },
    "evaluate-goal-alerts": {
        "task": "cxmetrics.tasks.evaluate_goal_alerts",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 600},
    },
    # Outbound webhooks (docs/webhooks.md): queue_event publishes a send on commit; this sends
    # the retries that fell due and catches up when publishing failed.
    "deliver-webhooks": {
        "task": "cxmetrics.tasks.deliver_webhooks",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    # Follow-ups: one e-mail per lead listing their new and newly overdue follow-ups.
    "notify-followup-leads": {
        "task": "cxmetrics.tasks.notify_followup_leads",
        "schedule": timedelta(minutes=CX_FOLLOWUP_NOTIFY_MINUTES),
        "options": {"expires": CX_FOLLOWUP_NOTIFY_MINUTES * 60 - 5},
    },
    # Workers note they are alive (/healthz: CX_HEALTH_WORKER_MAX_AGE).
    "worker-heartbeat": {
        "task": "cxmetrics.tasks.record_heartbeat",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
}

# --- Workers: time limits, parking, health (README "Running in production") ----------------
# Every task has a soft time limit (SoftTimeLimitExceeded is raised inside it: its open
# transaction rolls back) and a hard one (the pool process is killed) a grace period later.
# Limits need the prefork pool (celery's default); --pool=solo ignores them.
CX_TASK_SOFT_TIME_LIMIT = env_int("CX_TASK_SOFT_TIME_LIMIT", 300)
CX_TASK_HARD_TIME_LIMIT_GRACE = env_int("CX_TASK_HARD_TIME_LIMIT_GRACE", 30)
# Scoring: a batch of 1,000 comments takes well under a second once scoring is linear, so a
# batch still running after this long holds a poison comment (it is split, see tasks/pipeline).
CX_SENTIMENT_SOFT_TIME_LIMIT = env_int("CX_SENTIMENT_SOFT_TIME_LIMIT", 60)
# A full rebuild reads every response (about 1 s per million rows on PostgreSQL).
CX_REBUILD_SOFT_TIME_LIMIT = env_int("CX_REBUILD_SOFT_TIME_LIMIT", 1800)
CELERY_TASK_SOFT_TIME_LIMIT = CX_TASK_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = CX_TASK_SOFT_TIME_LIMIT + CX_TASK_HARD_TIME_LIMIT_GRACE


def _limits(soft: int) -> dict[str, int]:
    return {"soft_time_limit": soft, "time_limit": soft + CX_TASK_HARD_TIME_LIMIT_GRACE}


CELERY_TASK_ANNOTATIONS = {
    "cxmetrics.tasks.score_sentiment": _limits(CX_SENTIMENT_SOFT_TIME_LIMIT),
    "cxmetrics.tasks.score_pending_sentiment": _limits(CX_SENTIMENT_SOFT_TIME_LIMIT),
    "cxmetrics.tasks.rebuild_rollups": _limits(CX_REBUILD_SOFT_TIME_LIMIT),
    "cxmetrics.tasks.rebuild_yesterday": _limits(CX_REBUILD_SOFT_TIME_LIMIT),
    # Retention walks the whole table in batches of short transactions.
    "cxmetrics.tasks.apply_retention": _limits(CX_REBUILD_SOFT_TIME_LIMIT),
}
# Redis redelivers an unacknowledged message (its worker died) after this long: it must exceed
# the longest hard limit, or a slow task still running would be delivered a second time.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = max(
    3600, 2 * (CX_REBUILD_SOFT_TIME_LIMIT + CX_TASK_HARD_TIME_LIMIT_GRACE)
)
# A message that started this many times without finishing (each delivery killed its worker)
# is parked instead of run again (cxmetrics.celery.GuardedTask).
CX_TASK_MAX_ATTEMPTS = env_int("CX_TASK_MAX_ATTEMPTS", 3)
# /healthz answers 503 past these: no heartbeat for this long (a worker or beat is gone), the
# oldest unscored comment or pending new-rows note older than this, more parked tasks than this.
CX_HEALTH_WORKER_MAX_AGE = env_int("CX_HEALTH_WORKER_MAX_AGE", 180)
CX_HEALTH_MAX_LAG = env_int("CX_HEALTH_MAX_LAG", 900)
CX_HEALTH_MAX_PARKED = env_int("CX_HEALTH_MAX_PARKED", 0)

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cxmetrics.api.authentication.ApiKeyAuthentication",
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per API key (ingest) and per person (token or session reads); fixed windows, see
    # cxmetrics.api.permissions.
    "DEFAULT_THROTTLE_CLASSES": [
        "cxmetrics.api.permissions.ApiKeyRateThrottle",
        "cxmetrics.api.permissions.ReaderRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env_str("API_KEY_RATE", "1200/min"),
        "reader": env_str("API_READ_RATE", "600/min"),
    },
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
    # Choice sets used by several endpoints get one component name each.
    "ENUM_NAME_OVERRIDES": {
        "HandledByEnum": "cxmetrics.models.choices.HandledBy",
        "MetricEnum": "cxmetrics.models.choices.Metric",
        "GoalMetricEnum": "cxmetrics.models.choices.GoalMetric",
        "FollowUpStatusEnum": "cxmetrics.models.followups.FollowUpStatus",
        "GoalStatusEnum": "cxmetrics.models.goals.GoalStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cxmetrics.api.schema.postprocess_truth",
    ],
}

# --- Product settings ----------------------------------------------------------------------
CX_LOW_SAMPLE_N = env_int("CX_LOW_SAMPLE_N", 30)
# --- Privacy ---
# Mask e-mails, phone and card numbers in every stored free-text field (comment, agent_ref,
# attribute values). CX_REDACT_FREE_TEXT is the name; the variable CX_REDACT_COMMENTS, its
# former name, is read when it is unset. Code and tests may still set the former setting:
# masking is off if either setting is off (cxmetrics.services.personal_data.redacting).
CX_REDACT_FREE_TEXT = env_bool("CX_REDACT_FREE_TEXT", env_bool("CX_REDACT_COMMENTS", True))
CX_REDACT_COMMENTS = CX_REDACT_FREE_TEXT
# Anonymise responses older than this many days (by day), nightly; unset: keep for ever.
CX_RETENTION_DAYS = env_int("CX_RETENTION_DAYS", 0) or None
if CX_RETENTION_DAYS is not None and CX_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("CX_RETENTION_DAYS must be a whole number of days >= 1, or unset")
CX_INGEST_MAX_ITEMS = env_int("CX_INGEST_MAX_ITEMS", 10_000)
CX_INGEST_MAX_BYTES = env_int("CX_INGEST_MAX_BYTES", 20 * 1024 * 1024)
CX_ALERT_WEBHOOK_URL = env_str("CX_ALERT_WEBHOOK_URL")
CX_ALERT_WEBHOOK_SECRET = env_str("CX_ALERT_WEBHOOK_SECRET")
# Outbound webhooks: seconds to connect and to wait for the answer, per attempt.
CX_WEBHOOK_CONNECT_TIMEOUT = env_int("CX_WEBHOOK_CONNECT_TIMEOUT", 3)
CX_WEBHOOK_READ_TIMEOUT = env_int("CX_WEBHOOK_READ_TIMEOUT", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = CX_INGEST_MAX_BYTES

# --- Poison comments ------------------------------------------------------------------------
# A longer comment is refused by field at ingest (every format and adapter) and in the admin;
# the API listing and export carry at most this many characters of an older, longer one.
CX_COMMENT_MAX_CHARS = env_int("CX_COMMENT_MAX_CHARS", 10_000)
