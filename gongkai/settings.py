"""Settings from environment variables only; a bad value fails loudly at start."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gongkai.lib.netaddr import parse_networks
from gongkai.lib.private_files import create_private

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", BASE_DIR.parent / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


GONGKAI_ENV = os.environ.get("GONGKAI_ENV", "embedded")
if GONGKAI_ENV not in ("embedded", "production"):
    raise ImproperlyConfigured(f"GONGKAI_ENV must be 'embedded' or 'production', not {GONGKAI_ENV!r}")
PRODUCTION = GONGKAI_ENV == "production"
DEBUG = env_bool("DEBUG", False)
# The benchmark's bare reference page (/bench/hello/, bench/run.sh) is mounted only when asked for.
BENCH_ROUTES = env_bool("GONGKAI_BENCH", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when GONGKAI_ENV=production")
    # Embedded default: generated once, kept beside the data.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        create_private(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
# Reverse proxies whose X-Forwarded-For names the client (lockout, rate limits, audit addresses).
try:
    TRUSTED_PROXIES = parse_networks(os.environ.get("GONGKAI_TRUSTED_PROXIES", ""))
except ValueError as exc:
    raise ImproperlyConfigured(f"GONGKAI_TRUSTED_PROXIES must list addresses or networks: {exc}") from None
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "gongkai.accounts",
    "gongkai.orgs",
    "gongkai.numbering",
    "gongkai.audit",
    "gongkai.catalogue",
    "gongkai.disclosure",
    "gongkai.obligations",
    "gongkai.notifications",
    "gongkai.applications",
    "gongkai.feedback",
    "gongkai.oversight",
    "gongkai.archive",
    "gongkai.reports",
    "gongkai.search",
    "gongkai.portal",
    "gongkai.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongkai.portal.middleware.RequestBodyMiddleware",
    "gongkai.accounts.second_factor.CachedOTPMiddleware",
    "gongkai.accounts.session.AbsoluteSessionLimitMiddleware",
    "gongkai.accounts.second_factor.StaffSecondFactorMiddleware",
    "gongkai.accounts.session.PrivatePagesMiddleware",
    "gongkai.audit.log.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.portal.middleware.SecurityHeadersMiddleware",
    "gongkai.portal.middleware.TraditionalContentMiddleware",
    "gongkai.portal.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

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
                "gongkai.portal.context.site",
                "gongkai.portal.workbench.todo_count_context",
            ],
        },
    },
]

# Database: SQLite file under var/ (WAL) by default, anything dj-database-url reads otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gongkai.sqlite3'}"
try:
    # Persistent connections are checked before each request reuses them, so a restarted
    # database costs a reconnect, not a 500.
    _db = dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL")
DATABASES = {"default": _db}
IS_POSTGRES = _db["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis (optional): cache, rate limits and the job queue move there when set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
# The default cache is shared by every worker process: Redis, or in the embedded default files under
# var/cache, so a change made through one worker (a withdrawn item, a calendar override, a rate-limit
# count) is seen by all at once (issue 13.5); a per-process memory cache would keep the old state.
# "pages" holds rendered anonymous pages in each process's memory, keyed by a generation read from
# the shared cache on every request (disclosure/board_cache.py): fast, and never stale.
if REDIS_URL:
    _shared_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
else:
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("GONGKAI_CACHE_DIR") or str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
CACHES = {
    "default": _shared_cache,
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "gongkai-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Request bodies: the API takes JSON up to DATA_UPLOAD_MAX_MEMORY_SIZE; pages also take one attachment
# (20 MB at most) per request. Larger bodies are refused with 413 before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("GONGKAI_API_MAX_BODY_BYTES", 2 * 1024 * 1024)
MAX_REQUEST_BYTES = env_int("GONGKAI_MAX_REQUEST_BYTES", 25 * 1024 * 1024)

# Anonymous boards and item pages are cached until the next change or visibility moment.
ANONYMOUS_PAGE_CACHE = env_bool("GONGKAI_PAGE_CACHE", True)
MESSAGE_COOKIE_NAME = "messages"

HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "gongkai", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gongkai",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gongkai.accounts.backends.CachedModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "gongkai.accounts.validators.DecoratedCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gongkai.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
# API tokens expire; `gongkai create_token --days N` overrides this default.
API_TOKEN_DAYS = env_int("GONGKAI_API_TOKEN_DAYS", 90)
# SECURITY.md 7: staff roles verify a TOTP code (or a recovery code) after the password.
# The issuer the authenticator app shows: the site's name, which the office sets (orgs/site.py).


def _totp_issuer(device) -> str:
    from gongkai.orgs.site import name

    return name()


OTP_TOTP_ISSUER = _totp_issuer
# Demo only: load_demo gives the demo's staff logins one published TOTP key (see README).
DEMO_SECOND_FACTOR = env_bool("GONGKAI_DEMO_SECOND_FACTOR", DEBUG)
if DEMO_SECOND_FACTOR and PRODUCTION:
    raise ImproperlyConfigured("GONGKAI_DEMO_SECOND_FACTOR must be off when GONGKAI_ENV=production")
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# SECURITY.md 6: failures lock the (account name, client address) pair only, so nobody elsewhere can lock
# a user out; the wait grows with repeated lockouts (1, 2, 4 … 30 minutes, see accounts.lockout).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = "gongkai.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "gongkai.lib.netaddr.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gongkai.accounts.views.locked_out"
AXES_VERBOSE = False

# Sessions: idle timeout 30 minutes. A read request writes nothing: the session is touched (and
# so saved, with a fresh expiry) at most once a minute (accounts/session.py). Sessions are read
# through the default cache, which every worker shares (Redis, or files under var/cache), and
# written through to the database; ending a session deletes both (orgs.actions._end_sessions).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_ABSOLUTE_SECONDS = 12 * 3600  # and at most 12 hours after login
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even when serving from the finders
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "files"))
# Files: a local folder (one machine, or a folder every app server mounts), or an S3-compatible
# store (阿里云 OSS, 腾讯云 COS, MinIO…) when GONGKAI_S3_BUCKET is set. Objects stay private:
# downloads go through the app, which decides who may read them (R32).
S3_BUCKET = os.environ.get("GONGKAI_S3_BUCKET", "")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("GONGKAI_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("GONGKAI_S3_REGION") or None,
            "access_key": os.environ.get("GONGKAI_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("GONGKAI_S3_SECRET_KEY") or None,
            "location": os.environ.get("GONGKAI_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # OSS and COS answer path-style or virtual-hosted requests; MinIO wants path-style.
            "addressing_style": os.environ.get("GONGKAI_S3_ADDRESSING", "auto"),
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongkai@localhost")

# PIPL: complainants' name and contact are erased this many days after the reply.
FEEDBACK_PERSONAL_DATA_DAYS = env_int("FEEDBACK_PERSONAL_DATA_DAYS", 365)
# and applicants' description and purpose this many days after the answer.
APPLICATION_PERSONAL_DATA_DAYS = env_int("APPLICATION_PERSONAL_DATA_DAYS", 365)

SITE_URL = os.environ.get("GONGKAI_SITE_URL", "http://127.0.0.1:8000")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when GONGKAI_ENV=production")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SITE_TITLE = _("党务公开")
