"""Rödtråd settings, read from ``RODTRAD_*`` environment variables.

Every variable has a documented default (see the README's configuration table),
so a fresh checkout runs on SQLite with no set-up at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(f"RODTRAD_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(f"RODTRAD_{name}")
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(f"RODTRAD_{name}")
    return int(raw) if raw else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(f"RODTRAD_{name}")
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


#: Under pytest the settings pick a data directory and plain static storage of their own.
TESTING = env_bool("TESTING", "pytest" in sys.modules)
DATA_DIR = Path(env_str("DATA_DIR", "./var/test" if TESTING else "./var")).resolve()
(DATA_DIR / "logs").mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> str:
    """Use RODTRAD_SECRET_KEY, else a random key kept in the data directory."""
    configured = os.environ.get("RODTRAD_SECRET_KEY")
    if configured:
        return configured
    if not SECRET_KEY_FILE.exists():
        import secrets

        SECRET_KEY_FILE.write_text(secrets.token_urlsafe(50))
        SECRET_KEY_FILE.chmod(0o600)
    return SECRET_KEY_FILE.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "rodtrad.core",
    "rodtrad.documents",
    "rodtrad.goals",
    "rodtrad.improvement",
    "rodtrad.values",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rodtrad.core.middleware.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rodtrad.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "rodtrad.urls"
WSGI_APPLICATION = "rodtrad.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rodtrad.core.context_processors.shell",
            ],
        },
    }
]

# SQLite by default (WAL, IMMEDIATE transactions so concurrent writers queue
# instead of failing); DATABASE_URL=postgres://... switches to PostgreSQL.
# Each server process keeps its connection (with its parsed schema and page cache) instead
# of opening one per request; `rodtrad worker` checkpoints the WAL every few seconds, off the
# request path, before SQLite's own automatic checkpoint (after 1,000 pages) comes due.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / env_str("SQLITE_NAME", "rodtrad.sqlite3")),
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_TIMEOUT", 30),
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-32000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if TESTING:  # hashing is deliberately slow; tests create hundreds of users
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE", "sv")
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Request bodies above this size are refused with 413 before anything is read.
MAX_BODY_BYTES = env_int("MAX_BODY_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("SESSION_AGE", 12 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "rodtrad@localhost")

# One cache for all app processes (rate limits of anonymous feedback): the database's.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rodtrad_cache"}}

TASKS = {
    "default": {
        "BACKEND": env_str("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(DATA_DIR / "logs" / "rodtrad.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console", "file"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

RODTRAD_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
#: Uploaded document files above this size are refused with 413.
RODTRAD_DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 50 * 1024 * 1024)
#: Paths that take document uploads get their limit, with room for the form's other fields;
#: every other request body stays under MAX_BODY_BYTES.
BODY_LIMITS_BY_PATH = {
    "/api/v1/documents": RODTRAD_DOCUMENT_MAX_BYTES + 1024 * 1024,
    "/documents/": RODTRAD_DOCUMENT_MAX_BYTES + 1024 * 1024,
}
#: Story attachments (images, short videos) above this many MiB are refused with 413; a story
#: carries at most four, so the paths that take them accept four such files and the form.
RODTRAD_STORY_ATTACHMENT_MB = env_int("STORY_ATTACHMENT_MB", 25)
BODY_LIMITS_BY_PATH["/api/v1/stories"] = (4 * RODTRAD_STORY_ATTACHMENT_MB + 1) * 1024 * 1024
BODY_LIMITS_BY_PATH["/stories/"] = (4 * RODTRAD_STORY_ATTACHMENT_MB + 1) * 1024 * 1024
