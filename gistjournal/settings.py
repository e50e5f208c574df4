"""GIST Journal settings: one module, configured by environment variables.

Every variable is listed in README.md with its default. A malformed value raises
ImproperlyConfigured naming the variable, so a typo fails at start-up, not at 3 a.m.
"""

import os
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items) and raw.strip():
        raise ImproperlyConfigured(f"{name} must be a comma-separated list with no empty items.")
    return [item for item in items if item]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # The admin's second factor: an authenticator app (TOTP) and one-use recovery codes.
    # Before "library", whose admin module takes their device admins out of the admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "library",
    "journal",
    # The site's own deploy checks and a private SQLite file (gistjournal/apps.py).
    "gistjournal.apps.GistJournalConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the wire, brotli or gzip (static files come precompressed from
    # whitenoise, above). Before every middleware that reads or writes the body, so it
    # compresses what they made. BREACH: each compressed page is padded with up to 99 random
    # bytes, the CSRF token is masked afresh on every response, and the session cookie is
    # SameSite=Lax, so a cross-site page cannot make the many credentialed requests the
    # attack needs; see README, "Compression and BREACH".
    "gistjournal.middleware.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with the second factor (the admin requires it).
    "django_otp.middleware.OTPMiddleware",
    "gistjournal.middleware.KeepRememberedSessionMiddleware",
    # Deny by default: every view needs a signed-in user unless marked @login_not_required
    # (the landing page, accounts, the public library, the health check, invitation links).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A request whose account was deleted meanwhile (another device) goes to the log-in page.
    "gistjournal.middleware.DeletedAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "gistjournal.middleware.PrivacyHeadersMiddleware",
    "gistjournal.middleware.DeniedAccessLogMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# How authenticator apps name the admin's second factor ("GIST Journal: curator").
OTP_TOTP_ISSUER = "GIST Journal"

ROOT_URLCONF = "gistjournal.urls"
WSGI_APPLICATION = "gistjournal.wsgi.application"

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
                "journal.context_processors.navigation",
            ],
        },
    },
]

# Database ---------------------------------------------------------------------------------
# Persistent connections: without them every request pays a connection (and on PostgreSQL a
# password handshake), which costs far more than the page itself.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: WAL lets readers run beside a writer, the
    # busy timeout waits for a lock instead of failing, and IMMEDIATE takes the write lock at
    # BEGIN so two transactions cannot deadlock upgrading from read to write.
    _db["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS L2: at least 12 characters; no upper limit below 128 (Django has none).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# A session ends when the browser closes or after 12 hours; "keep me signed in on this device"
# at log-in makes it last REMEMBER_ME_AGE from the last day it was used (see
# gistjournal.views.LoginView and gistjournal.middleware.KeepRememberedSessionMiddleware).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
REMEMBER_ME_AGE = 30 * 24 * 60 * 60

# Login throttling (django-axes, see gistjournal/throttling.py): 5 wrong passwords for one
# account from one address pause that account at that address for 15 minutes; 20 from one
# address, whatever the accounts (password spraying), pause that address. Counting the
# account per address means nobody elsewhere can lock a patient out, and a successful log-in
# clears only its own account's count there, never the count against another account.
# Password change and account deletion count wrong current passwords the same way.
# The client address is REMOTE_ADDR unless we are told how many proxies stand in front of
# us; otherwise a client could rotate X-Forwarded-For to reset its own counter.
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "gistjournal.throttling.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "gistjournal.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "gistjournal.throttling.locked_out"
# Denied logins are logged with the username and address tried (never the password, which
# axes always masks), so an attack can be traced.
AXES_SENSITIVE_PARAMETERS = []
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# django-axes' records of log-ins and failed log-ins carry a username, an address and a
# browser: `manage.py send_reminders` removes those older than this. Never shorter than the
# cool-off, whose count they are.
LOGIN_RECORDS_KEPT_FOR = timedelta(days=env_int("DJANGO_LOGIN_RECORDS_DAYS", 30))
if LOGIN_RECORDS_KEPT_FOR < AXES_COOLOFF_TIME:
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_RECORDS_DAYS must be at least 1: log-in records are the lock-out's count."
    )

# Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/London")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"DJANGO_TIME_ZONE is not a known time zone: {TIME_ZONE!r}.")
USE_I18N = True
USE_TZ = True

# Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# For django.core.mail.backends.filebased.EmailBackend: one file per pass of emails, to see
# what would be sent (development; `check --deploy` refuses it with debug off).
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", "")
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend" and not EMAIL_FILE_PATH:
    raise ImproperlyConfigured(
        "DJANGO_EMAIL_FILE_PATH must name a folder when DJANGO_EMAIL_BACKEND is the file backend."
    )
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "GIST Journal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails (password reset, invitations) are built on this, never on the Host header.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"DJANGO_SITE_URL must start with http:// or https://, got {SITE_URL!r}."
    )

# Security ---------------------------------------------------------------------------------
# HTTPS is assumed in production (debug off) and can be turned off for a plain-HTTP setup.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
if env_bool("DJANGO_TRUST_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself; otherwise a client could lie.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: chart data travels in json_script blocks, which are
# JSON, not script. Everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The service worker and the web app manifest, both served by the site itself.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}."
    )

# Logs carry who, from where and when — never passwords, session keys or what a patient
# wrote: views log no form data, and request logs name only the path.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Replaces Django's own "django" handlers, which would print every line a second time.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
