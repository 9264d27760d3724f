"""Maillage settings: one module, every deployment choice from the environment.

The README lists every variable. Defaults suit a developer's machine (DEBUG on,
SQLite); with DEBUG off the defaults are the production-safe ones and a secret key
and allowed hosts must be given.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from lib.env import env_bool, env_choice, env_int, env_list, env_str

# Lets code subscript Django's generic classes (QuerySet[Model], ModelForm[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000")
# Shows on every page that the data is a demonstration (`make run` turns it on).
DEMO_NOTICE = env_bool("DEMO_NOTICE", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "ninja",
    "simple_history",
    "django_tasks_db",
    "crontask",
    "lib",
    "accounts",
    "territory",
    "taxonomy",
    "register",
    "coordination",
    "meetings",
    "consultations",
    "analysis",
    "exchange",
    "jobs",
    "demo",
    "maillage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Above all that may answer a signed-in user; below WhiteNoise, whose static
    # files stay cacheable.
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production the application serves its own static files; in development
    # runserver does.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "maillage.urls"
WSGI_APPLICATION = "maillage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (or any dj-database-url URL) by
# DATABASE_URL. SQLite runs in WAL mode with IMMEDIATE transactions and a busy
# timeout so that several requests writing at once wait for each other instead of
# failing with "database is locked".
SQLITE_PATH = Path(env_str("SQLITE_PATH", str(BASE_DIR / "var" / "maillage.sqlite3")))
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    try:
        _default_db = dict(dj_database_url.parse(_database_url, conn_max_age=60))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not valid: {error}") from None
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    _default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SQLITE_PATH,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_TIMEOUT", 20, minimum=1),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
    }
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (django.tasks): queued in the database by django-tasks-db and
# run by `manage.py run_worker`, so that nothing but the database is needed.
# "immediate" runs each task in the process that enqueues it (tests, or a site
# without a worker).
TASKS_BACKEND = env_choice("TASKS_BACKEND", "database", ["database", "immediate"])
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A worker writes that it is alive this often; a task still running on a worker
# not heard of for WORKER_LOST_SECONDS is taken as lost (see jobs.services).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15, minimum=1)
WORKER_LOST_SECONDS = env_int("WORKER_LOST_SECONDS", 120, minimum=2)
if WORKER_LOST_SECONDS <= WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "WORKER_LOST_SECONDS must be longer than WORKER_HEARTBEAT_SECONDS."
    )

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes): lock an e-mail and address pair after repeated
# failures, for a cool-off period.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field, holding the e-mail
# Counted as accounts store it, so that every case of an address shares one budget.
AXES_USERNAME_CALLABLE = "accounts.throttling.login_attempt_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# E-mail: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
        if EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Maillage <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation: French first; the interface is translated into Dutch,
# German and English. The pages displaced people read (answering a
# consultation) are in Ukrainian and Russian too, and offer those two in
# their language menu; elsewhere a Ukrainian or Russian visitor reads French
# where a text has no translation.
LANGUAGE_CODE = "fr"
STAFF_LANGUAGES = [
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("de", "Deutsch"),
    ("en", "English"),
]
LANGUAGES = [*STAFF_LANGUAGES, ("uk", "Українська"), ("ru", "Русский")]
# The pages (path prefixes) whose language menu offers every language.
PUBLIC_LANGUAGE_PATHS = ("/consultations/repondre/", "/consultations/public/")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Territory: the region the interface and the API show by default ("BE" for all of
# Belgium). 02000 Flanders, 03000 Wallonia, 04000 Brussels-Capital.
TERRITORY_SCOPE = env_choice(
    "TERRITORY_SCOPE", "03000", ["BE", "02000", "03000", "04000"]
)

# Static and uploaded files. Front-end libraries come from the npm registry into
# node_modules (see package.json) and are served from there.
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/cytoscape", BASE_DIR / "node_modules" / "cytoscape" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
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
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# The largest spreadsheet the register import accepts (lib/spreadsheets.py).
# The largest document attached to a meeting.
MEETING_DOCUMENT_MAX_BYTES = env_int(
    "MEETING_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1
)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1000 * 1000, minimum=1)
# The most rows (all sheets together) and columns (per sheet) it accepts: a
# workbook's real extent is read before any sheet is loaded.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200, minimum=1)
# A file checked on the import page is kept this long for its one-click apply.
IMPORT_RETENTION_HOURS = env_int("IMPORT_RETENTION_HOURS", 24, minimum=1)
# Exports of more rows than this are written by the worker, with their progress
# shown, then downloaded; smaller ones are sent at once (exchange.export_jobs).
# Measured with make bench on 2 cores: XLSX writes about 4,000 rows a
# second, CSV, HXL and JSON 8,000 to 10,000, so 5,000 rows answer within about
# two seconds in any format.
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 10_000, minimum=0)
# A background export's file is removed this long after it was asked for.
EXPORT_RETENTION_HOURS = env_int("EXPORT_RETENTION_HOURS", 24, minimum=1)

# The analysis's map: the commune polygons are the map, no tile server needed.
# MAP_TILE_URL sets one under them (an https URL template with {z}, {x} and {y},
# such as https://tile.example.org/{z}/{x}/{y}.png; its origin is then allowed
# in the CSP's img-src) and MAP_TILE_ATTRIBUTION the credit it asks for.
MAP_TILES = {
    "url": env_str("MAP_TILE_URL", ""),
    "attribution": env_str("MAP_TILE_ATTRIBUTION", ""),
}
_tiles = urlsplit(MAP_TILES["url"])
if MAP_TILES["url"] and (
    _tiles.scheme != "https"
    or not _tiles.netloc
    or not all(part in MAP_TILES["url"] for part in ("{z}", "{x}", "{y}"))
    or "{" in _tiles.netloc
):
    raise ImproperlyConfigured(
        "MAP_TILE_URL must be an https URL template with {z}, {x} and {y} and one "
        "host (no {s}: the CSP allows that host alone)."
    )
MAP_TILE_ORIGIN = f"https://{_tiles.netloc}" if MAP_TILES["url"] else ""

# Security. Everything below is on whatever DEBUG says, except what needs HTTPS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([MAP_TILE_ORIGIN] if MAP_TILE_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12, minimum=1) * 60 * 60
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Submitting a domain to the browsers' HSTS preload list is the operator's decision
# (it binds every subdomain for months): opt in with SECURE_HSTS_PRELOAD=true.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_without_traceback": {
            "()": "lib.logs.ClientErrorsWithoutTraceback"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_errors_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of each PDF at INFO; the scheduler each run of
    # each job (one every five seconds).
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
    },
}
