"""Shanhai settings: everything that differs between machines comes from the environment.

DEBUG            "1" turns debug on (off by default).
SECRET_KEY       required in production; without it a key is generated once into var/secret_key.
SECRET_KEY_FALLBACKS, SHANHAI_SALT_KEY   earlier keys and the salts of the personal-data key (README).
DATABASE_URL     default: SQLite (WAL) at var/shanhai.sqlite3; e.g. postgres://postgres@127.0.0.1:5432/test.
ALLOWED_HOSTS    comma separated, default 127.0.0.1,localhost.
SHANHAI_HTTPS    "1" when served over HTTPS: secure cookies, HSTS, SSL redirect.
SHANHAI_VAR_DIR  where the SQLite database, media and the generated key live (default ./var).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("SHANHAI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        _create_private(key_file, secrets.token_urlsafe(50).encode())
    return key_file.read_text().strip()


def _create_private(path: Path, content: bytes = b"") -> None:
    """Create a file readable and writable by its owner only, from the first byte (no window with wider rights)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


DEBUG = env_flag("DEBUG")
SECRET_KEY = _secret_key()
#: Earlier secret keys, comma separated: they still decrypt personal data and check signatures (rotation).
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
#: Salt of the keys that encrypt personal data at rest (django-fernet-encrypted-fields derives them
#: from SECRET_KEY and this). A list rotates: the first encrypts, all decrypt. Set it in production.
SALT_KEY = [s for s in os.environ.get("SHANHAI_SALT_KEY", "shanhai-personal-data-v1").split(",") if s]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
HTTPS = env_flag("SHANHAI_HTTPS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tables2",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "shanhai.core",
    "shanhai.accounts",
    "shanhai.partnerships",
    "shanhai.workforce",
    "shanhai.training",
    "shanhai.capacity",
    "shanhai.outreach",
    "shanhai.maternal",
    "shanhai.screening",
    "shanhai.imaging",
    "shanhai.telehealth",
    "shanhai.records",
    "shanhai.reports",
    "shanhai.analytics",
    "shanhai.portal",
    "shanhai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shanhai.project.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shanhai.project.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shanhai.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "shanhai.project.middleware.RateLimitMiddleware",
]

ROOT_URLCONF = "shanhai.project.urls"
WSGI_APPLICATION = "shanhai.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shanhai.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'shanhai.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
#: Seconds a write on SQLite waits for another one (a big import's write transaction) before it fails.
SQLITE_BUSY_SECONDS = int(os.environ.get("SHANHAI_SQLITE_BUSY_SECONDS", "60"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the task worker write while pages read; IMMEDIATE avoids lock upgrades; a writer waits
            # for the one before it (up to SQLITE_BUSY_SECONDS) instead of failing with "database is locked".
            "init_command": (
                f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000};"
            ),
            "timeout": SQLITE_BUSY_SECONDS,
            "transaction_mode": "IMMEDIATE",
        }
    )
    # The database holds health data: created readable by its owner only (SQLite gives its -wal and -shm
    # files the same rights).
    _database_file = Path(DATABASES["default"]["NAME"])
    if str(_database_file) != ":memory:" and not _database_file.exists():
        _database_file.parent.mkdir(parents=True, exist_ok=True)
        _create_private(_database_file)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings for solid-state disks and short OLTP queries: with the defaults (random_page_cost 4, JIT on)
    # PostgreSQL scanned whole MCH tables instead of the worklist's indexes (bench/README.md, MCH at 1M: 1.3 s →
    # 0.8 s). SHANHAI_PG_OPTIONS replaces them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", os.environ.get("SHANHAI_PG_OPTIONS", "-c random_page_cost=1.1 -c jit=off")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account for 15 minutes after 5 failed logins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("SHANHAI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockout is per account, not per IP: a county hospital's staff share one NAT address, and an
# IP lockout would shut the whole hospital out after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Two-factor sign-in (django-otp): required for system administrators and users who may reveal personal data
# (accounts.second_factor); the authenticator app shows this issuer beside the account.
OTP_TOTP_ISSUER = "Shanhai"
#: How many recovery codes an enrolment gives (each works once).
SHANHAI_RECOVERY_CODES = 10

# API tokens (django-rest-knox): stored as SHA-512 digests, sent as "Authorization: Token <token>", expiring this
# many hours after they are issued; a user holds at most SHANHAI_API_TOKENS_PER_USER live tokens at a time.
SHANHAI_API_TOKEN_HOURS = int(os.environ.get("SHANHAI_API_TOKEN_HOURS", "10"))
SHANHAI_API_TOKENS_PER_USER = int(os.environ.get("SHANHAI_API_TOKENS_PER_USER", "10"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=SHANHAI_API_TOKEN_HOURS),
    "TOKEN_LIMIT_PER_USER": SHANHAI_API_TOKENS_PER_USER,
    "AUTH_HEADER_PREFIX": "Token",
}

# Idle sessions end after 30 minutes. A session is not written on every request (page views would write
# to the database): its expiry is moved on at most once a minute (shanhai.project.middleware).
SESSION_COOKIE_AGE = int(os.environ.get("SHANHAI_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = False
SHANHAI_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- language -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Tests and development serve straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or env_flag("SHANHAI_PLAIN_STATIC")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # vendored htmx/ECharts and the app stylesheet
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_flag("SHANHAI_PLAIN_STATIC")
            else "shanhai.project.storage.StaticFilesStorage"
        )
    },
}
# Source maps are fetched by developer tools only: not worth compressing (shanhai.project.storage).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shanhai.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "shanhai.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["shanhai.core.throttling.RateLimit"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shanhai API",
    "DESCRIPTION": _("Cross-regional medical assistance and maternal & child health platform"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Enums stay inline: many record kinds have a field called "kind" with their own choices, and
    # the enum-component hook would name them Kind217Enum & co. The hooks declare the 415 of every
    # operation that takes a body and the 429 of every operation.
    "POSTPROCESSING_HOOKS": [
        "shanhai.core.api.declare_unsupported_media_type",
        "shanhai.core.api.declare_rate_limit",
    ],
}

# --- cache: shared by the web workers and the task worker (import progress, rate limits) ---------
# Embedded default: files under var/ (no daemon needed). SHANHAI_CACHE_URL=redis://host:6379/0 uses Redis
# (Django's own backend), which counts rate limits atomically across hosts.
_CACHE_URL = os.environ.get("SHANHAI_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}

# --- rate limits (core.limits; django-ratelimit's counters in the default cache) -------------------
RATELIMIT_USE_CACHE = "default"
#: Per group: "<count>/<s|m|h|d>" or None (no limit). sign_in counts per client address, the others per user. SHANHAI_RATE_<GROUP>=… overrides one (SHANHAI_RATE_REVEAL=none lifts it).
SHANHAI_RATE_LIMITS: dict[str, str | None] = {
    group: (None if value.lower() == "none" else value)
    for group, default in {
        "sign_in": "60/10m",
        "api": "600/m",
        "reveal": "120/h",
        "import": "30/h",
        # Picker suggestions (records:pick): a typeahead asks once per pause in typing; the limit bounds guessing
        # whole ID numbers through a woman's picker.
        "pick": "1200/h",
    }.items()
    for value in [os.environ.get(f"SHANHAI_RATE_{group.upper()}", default)]
}
# The file cache counts with a read and a write, not atomically: under concurrent requests a limit may let a few
# more through (django-ratelimit's checks, which would say so, are not installed). Redis makes the counts exact.

# --- background tasks -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: A technique is "sustained" when local staff still do it this many months after the last supporting expert left.
SHANHAI_SUSTAIN_MONTHS = int(os.environ.get("SHANHAI_SUSTAIN_MONTHS", "6"))
#: Long-term postings shorter than this many months are flagged.
SHANHAI_MIN_LONG_POSTING_MONTHS = int(os.environ.get("SHANHAI_MIN_LONG_POSTING_MONTHS", "6"))
#: Imports of more rows than this run in the background with a progress bar; smaller ones at once.
SHANHAI_IMPORT_INLINE_ROWS = int(os.environ.get("SHANHAI_IMPORT_INLINE_ROWS", "200"))
#: A running import whose worker has not shown a sign of life for this many seconds is marked failed.
SHANHAI_IMPORT_STALE_SECONDS = int(os.environ.get("SHANHAI_IMPORT_STALE_SECONDS", "60"))

# --- remote collaboration (telehealth) ---------------------------------------------------------------
#: Working hours of the response clocks (Beijing time), on China's working days (telehealth.clocks).
SHANHAI_WORKING_HOURS = os.environ.get("SHANHAI_WORKING_HOURS", "08:30-12:00,14:30-18:00")
#: Time to answer a consultation, by priority, where a partnership has no response rule of its own:
#: (hours, counted in working hours?). Emergencies run round the clock.
SHANHAI_CONSULT_RESPONSE: dict[str, tuple[int, bool]] = {
    "emergency": (2, False),
    "urgent": (4, True),
    "routine": (16, True),
}
#: A notice goes out when this share of the time to answer has passed without an answer.
SHANHAI_CONSULT_REMIND_AT = float(os.environ.get("SHANHAI_CONSULT_REMIND_AT", "0.75"))
#: Notices are also mailed (Django's email backend: EMAIL_HOST, EMAIL_PORT, … from the environment) when set.
SHANHAI_NOTICE_EMAIL = env_flag("SHANHAI_NOTICE_EMAIL")
SHANHAI_SITE_URL = os.environ.get("SHANHAI_SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shanhai@localhost")

DJANGO_TABLES2_TEMPLATE = "core/table.html"

# --- remote image review (shanhai/imaging/README.md) ----------------------------------------
#: ``embedded``: DICOM files under VAR_DIR/dicom; ``orthanc``: an Orthanc server over DICOMweb.
SHANHAI_DICOM_STORE = os.environ.get("SHANHAI_DICOM_STORE", "embedded")
SHANHAI_DICOM_DIR = VAR_DIR / "dicom"
SHANHAI_ORTHANC_URL = os.environ.get("SHANHAI_ORTHANC_URL", "http://127.0.0.1:8042")
SHANHAI_ORTHANC_USER = os.environ.get("SHANHAI_ORTHANC_USER", "")
SHANHAI_ORTHANC_PASSWORD = os.environ.get("SHANHAI_ORTHANC_PASSWORD", "")
SHANHAI_DICOM_MAX_FILE_MB = int(os.environ.get("SHANHAI_DICOM_MAX_FILE_MB", "50"))
SHANHAI_DICOM_MAX_FILES = int(os.environ.get("SHANHAI_DICOM_MAX_FILES", "100"))
#: Working hours after the request within which a study's remote reading is due.
SHANHAI_IMAGING_DUE_HOURS = int(os.environ.get("SHANHAI_IMAGING_DUE_HOURS", "8"))

# --- logging: never personal data; request bodies are not logged ----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
