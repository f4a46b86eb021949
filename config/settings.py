"""The one settings file. Every knob is an environment variable listed in .env.example."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent
env.load_dotenv(BASE_DIR / ".env")

DEBUG = env.boolean("DEBUG", False)
# The test run's behaviour (fast password hashing, no rate limits, development defaults) is
# switched on only by HOCTAP_TESTING=1, which config/test_settings.py sets while the tests
# read these settings (pytest-django loads it: pyproject.toml). manage.py, the server and the
# worker never set it, whatever modules happen to be importable.
TESTING = env.boolean("HOCTAP_TESTING", False)
SECRET_KEY = env.string("SECRET_KEY", "dev-only-insecure-key" if DEBUG or TESTING else None)
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS")
# The address printed in the certificates' QR codes (recognition.services.site_url). Set
# SITE_URL in production (.env.example); unset, a certificate follows the host and port of
# the request that made it, and one made outside a request http://127.0.0.1:$PORT (the port
# `make run` serves on: `PORT=8080 make run`).
PORT = env.integer("PORT", 8000)
SITE_URL = env.string("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "core",
    "audit",
    "places",
    "accounts",
    "registry",
    "criteria",
    "assessments",
    "recognition",
    "stats",
    "portal",
    "api",
    "today",
    "demo",
    "movement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.NormalizeInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "accounts.twofactor.SecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.string("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.integer("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the one-process default serve pages while a job writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first: refuses while cooling off
    "accounts.backends.UsernameOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",  # Argon2id, OWASP's server parameters
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:  # hashing thousands of test passwords with Argon2 would dominate the suite
    PASSWORD_HASHERS.insert(0, "django.contrib.auth.hashers.MD5PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.integer("SESSION_IDLE_SECONDS", 8 * 3600)
# The age above is an idle timeout, not a fixed lifetime: core.middleware.IdleSessionMiddleware
# saves a signed-in session again once this many seconds have passed since it last was (not on
# every request: a database write per page view).
SESSION_REFRESH_SECONDS = env.integer("SESSION_REFRESH_SECONDS", 300)

# Wrong passwords: after AXES_FAILURE_LIMIT failures for one user name (from any
# client, so guessing from many addresses is slowed too), further attempts wait
# AXES_COOLOFF_MINUTES; nobody is locked for good. Per client, LOGIN_RATE_PER_MINUTE
# caps login attempts whatever the user names (accounts.views.LoginView).
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]  # the pair for axes.W006
# The "user name" axes counts is the account the typed login resolves to (any case, any
# phone spelling, the identity number), so spelling it differently buys no extra tries;
# the client is the real one behind the proxies (core.ratelimit.client_address).
AXES_USERNAME_CALLABLE = "accounts.backends.attempt_key"
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"
# (The suite logs in from one address thousands of times: its tests set their own limit.)
LOGIN_RATE_PER_MINUTE = env.integer("LOGIN_RATE_PER_MINUTE", 100000 if TESTING else 30)
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env.boolean("AXES_ENABLED", True)

# Personal data (Nghị định 13/2023/NĐ-CP): the roles that see each field in full;
# everyone else sees it masked (registry/privacy.py). Identity numbers on a page stay
# masked until the reader clicks "show", which is recorded like every export.
PERSONAL_DATA_ROLES = {
    "identity_number": ["province_admin", "commune_officer"],
    "phone": ["province_admin", "commune_officer", "village_officer"],
    "birth_date": ["province_admin", "commune_officer", "village_officer"],
}
# Records of people who died or moved away longer ago than this are purged of
# personal data by `python manage.py purge_departed` (see SECURITY.md).
RETENTION_YEARS = env.integer("RETENTION_YEARS", 5)

# Background jobs: "immediate" runs them inside the request (one process, the
# default); "database" queues them for `python manage.py db_worker`.
TASKS_BACKEND = env.string("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# How messages reach citizens (accounts/notify.py): "" none (every account claim waits for the
# village officer), "http" (a provincial SMS gateway: POST {"to", "text"} to SMS_GATEWAY_URL
# with SMS_GATEWAY_TOKEN as bearer token), "console" (printed on the terminal: `make run`),
# "memory" (tests).
SMS_BACKEND = env.string("SMS_BACKEND", "")
SMS_GATEWAY_URL = env.string("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env.string("SMS_GATEWAY_TOKEN", "")
if SMS_BACKEND not in ("", "http", "console", "memory") or (
    SMS_BACKEND == "http" and not SMS_GATEWAY_URL
):
    raise ImproperlyConfigured(
        'SMS_BACKEND is "", "http" (with SMS_GATEWAY_URL), "console" or "memory".'
    )

# Citizen searches per user per minute (three times that per client address); beyond: 429.
SEARCH_RATE_PER_MINUTE = env.integer("SEARCH_RATE_PER_MINUTE", 100000 if TESTING else 60)
# Public certificate checks allowed per client per minute; beyond it: 429.
VERIFY_RATE_PER_MINUTE = env.integer("VERIFY_RATE_PER_MINUTE", 30)
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For
# (nginx with proxy_add_x_forwarded_for: 1). 0: the connecting address is the client.
# Rate limits, lockouts and the audit trail use the address this resolves to.
TRUSTED_PROXY_HOPS = env.integer("TRUSTED_PROXY_HOPS", 0)
# One process: memory. Several app processes: set CACHE_URL=db (run `manage.py createcachetable`)
# so rate limits are shared (`check --deploy` warns behind a proxy without it).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "hoctap_cache"}
        if env.string("CACHE_URL", "") == "db"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env.string("STATIC_ROOT", "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded evidence and generated documents live outside the web root and are
# served only through views that check access.
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env.integer("IMPORT_MAX_MB", 20) * 1024 * 1024
# Rows one sheet may hold (the largest commune has ~60,000 people); more is refused
# before parsing, from the sheet's declared dimension.
IMPORT_MAX_ROWS = env.integer("IMPORT_MAX_ROWS", 200000)
# An import being written stamps its job this often; a job whose process cannot be looked
# at from here and whose stamp is older than IMPORT_STALE_SECONDS was killed (registry/jobs.py).
IMPORT_HEARTBEAT_SECONDS = env.integer("IMPORT_HEARTBEAT_SECONDS", 10)
IMPORT_STALE_SECONDS = env.integer("IMPORT_STALE_SECONDS", 120)

SESSION_COOKIE_SECURE = env.boolean("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PRODUCTION = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's and the monitor's plain-HTTP probe
# HSTS in production (a year); includeSubDomains and preload as `check --deploy` asks.
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", PRODUCTION)
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Only this site's own files; nothing from a CDN, no inline script, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
OTP_TOTP_ISSUER = "hoctap Hưng Yên"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.boolean("BEHIND_TLS_PROXY", False) else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}
