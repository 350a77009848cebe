"""Django settings of the Sinergi site, read from the environment.

``SINERGI_HOME`` is the data folder (default ``./sinergi-data``); the app
database is ``<home>/app.sqlite3`` unless ``SINERGI_DATABASE_URL`` names a
PostgreSQL database (``postgresql://user:password@host:5432/name``). The secret
key comes from ``SINERGI_SECRET_KEY``, else from ``<home>/secret_key``, made once.
Cookies are HTTPS-only, and browsers are told to keep to HTTPS (HSTS), unless
``SINERGI_INSECURE_COOKIES=1`` (``sinergi serve --http``: a local demo on
http://127.0.0.1).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import plotly
from csp.constants import NONE, SELF

HOME = Path(os.environ.get("SINERGI_HOME", "sinergi-data")).resolve()


def _secret_key() -> str:
    if key := os.environ.get("SINERGI_SECRET_KEY"):
        return key
    path = HOME / "secret_key"
    if not path.exists():
        HOME.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _database(url: str | None) -> dict[str, object]:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HOME / "app.sqlite3")}
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"SINERGI_DATABASE_URL must be postgresql://..., not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SINERGI_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("SINERGI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
ROOT_URLCONF = "sinergi.web.urls"
WSGI_APPLICATION = "sinergi.web.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {"default": _database(os.environ.get("SINERGI_DATABASE_URL"))}

INSTALLED_APPS = [
    # The admin, open only to an active manage_users assignment (or a superuser).
    "sinergi.web.accounts.admin_site.SinergiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    "csp",
    "ninja",  # serves its Swagger UI from the package, not a CDN
    "django_tasks",
    "django_tasks_db",
    "sinergi.web.accounts",
    "sinergi.web.audit",
    "sinergi.web.pages",
    "sinergi.web.review",
    "sinergi.web.verval",
    "sinergi.web.uploads",
    "sinergi.web.plans",
    "sinergi.web.coordination",
    "sinergi.web.progress",
    "sinergi.web.documents",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sinergi.web.pages.language.indonesian_first",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (the CSRF check does): an oversized upload is refused
    # from its Content-Length.
    "sinergi.web.uploads.limits.refuse_oversized_uploads",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]
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
                "sinergi.web.pages.menu.menu",
            ]
        },
    }
]

# Accounts: Argon2 first; ten failed sign-ins from one user and address, or fifty from one
# address over any user names, lock them out for 15 minutes; a session ends after 30 idle
# minutes or when the browser closes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
# One address may fail this many sign-ins over any user names before it is locked out
# (password spraying); an office behind one address still has room for its typos.
SINERGI_IP_FAILURE_LIMIT = 50
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "sinergi.web.accounts.throttle.TwoLimitHandler"
AXES_LOCKOUT_TEMPLATE = "sinergi/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
_SECURE = os.environ.get("SINERGI_INSECURE_COOKIES") != "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _SECURE
# Sent on HTTPS responses only: behind the TLS proxy gunicorn takes the scheme from
# X-Forwarded-Proto (it trusts the proxy on 127.0.0.1).
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if _SECURE else 0
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style and nothing from another origin: charts and scripts are
# files served from the package.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Long work (imports of uploaded files) runs as a job in the database queue, executed by
# `manage.py db_worker` (which `sinergi serve` starts beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# One uploaded file at most this many bytes (default 200 MB); cap the proxy's body size too.
UPLOAD_MAX_BYTES = int(os.environ.get("SINERGI_UPLOAD_MAX_BYTES") or 200 * 1024 * 1024)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
# The secretariat's own clock: WIB by default; WITA regions (NTB, Bali, Sulawesi,
# Kalimantan Selatan/Timur/Utara) set Asia/Makassar, WIT ones (Maluku, Papua) Asia/Jayapura.
TIME_ZONE = os.environ.get("SINERGI_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
# plotly.min.js straight from the plotly package: charts never load from a CDN.
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package, no collectstatic step

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
