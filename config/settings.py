"""Settings for the blog, read from environment variables (each documented in README.md).

Development is the default: `make run` and `make test` work with no variable set. With
DJANGO_ENV=production every value that must not be guessed is required, and start-up fails
loudly when one is missing.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from ops import embedded_postgres
from ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = embedded_postgres.DATA_DIR


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def renamed_env(name: str, old_name: str) -> None:
    """Read a renamed variable under its old name too, for one release, and say so."""
    if old_name in os.environ and name not in os.environ:
        warnings.warn(
            f"{old_name} is renamed {name}; the old name stops working in the next release.",
            FutureWarning,
            stacklevel=2,
        )
        os.environ[name] = os.environ[old_name]


renamed_env("FETCH_ALLOWED_TEST_ADDRESSES", "WEBMENTIONS_ALLOWED_TEST_ADDRESSES")


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"


def retired_env(name: str, old_name: str) -> None:
    """A renamed variable's old name, no longer read once its release of grace is over: set
    alone, it would change the site's behaviour silently, so production refuses to start and
    development warns, naming the new name."""
    if old_name in os.environ and name not in os.environ:
        message = f"{old_name} is no longer read: set {name} instead."
        if PRODUCTION:
            raise ImproperlyConfigured(message)
        warnings.warn(message, UserWarning, stacklevel=2)


retired_env("COMMENTS_SPAM_WORDS", "COMMENTS_HOLD_WORDS")
retired_env("FORM_TOKEN_MAX_AGE_SECONDS", "COMMENTS_TOKEN_MAX_AGE_SECONDS")
DEBUG = env_flag("DJANGO_DEBUG")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")


def development_secret_key() -> str:
    """Generate a key once per checkout and keep it in the ignored data folder."""
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "markdownx",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "blog",
    "moderation",
    "comments",
    "notifications",
    "transfer",
    "webmentions",
    "ops",
]

MIDDLEWARE = [
    # First, so that its line times everything below it.
    "ops.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "ops.staticfiles.StaticFilesMiddleware",
    "ops.db_routers.PinToPrimaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses of imported posts: a 404 whose path one had becomes a 301 to the post.
    "transfer.middleware.OldPathRedirectMiddleware",
    # The post pages advertise the webmention endpoint (a header the page cache keeps).
    "webmentions.middleware.AdvertiseEndpointMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "ops.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or embedded_postgres.database_url()
# Persistent connections are checked before each request reuses them, so the site reconnects by
# itself within a request of PostgreSQL coming back after a restart.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True),
}
# Lets several test runs share one server without dropping each other's test database.
if os.environ.get("DJANGO_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DATABASE_NAME"]}

# A streaming replica of the primary serves the public pages' reads (ops/db_routers.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=600, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["ops.db_routers.PrimaryReplicaRouter"]
# How long a reader who has just written reads from the primary: longer than the replica's lag.
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", 10))
# An unreachable server fails a request within seconds (the 503 page) rather than holding the
# worker until gunicorn's timeout kills it; a URL's own ?connect_timeout= wins.
for database in DATABASES.values():
    database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# One cache shared by every worker and host: Redis when there is one, otherwise a table in
# PostgreSQL (`manage.py createcachetable`, run by `make setup`). Never a per-process cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast, as for the database, when Redis is away.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions are read from Redis and written through to PostgreSQL, so none is lost with it.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The one exception: rendered fragments of the public pages ({% cache %} uses this alias), kept in
# each worker's memory. Their keys hold the version of what they show (a post's and its comments'
# last change), so an edit or a moderation changes the key and nothing needs invalidating across
# workers or hosts; a fetch from here costs microseconds, from the shared cache a round trip.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# Messages use Django's default storage (a cookie, falling back to the session): any host can
# show them.

# `manage.py backup_db` / `restore_db` (make backup / make restore). pg_dump must be at least as
# new as the server: pgserver's programs (PostgreSQL 16) unless POSTGRES_BIN_DIR names others.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
POSTGRES_BIN_DIR = os.environ.get("POSTGRES_BIN_DIR", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files such as favicon.ico that browsers ask for at the site's root.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", DATA_DIR / "media"))

# The editor's live preview is the published page: both go through the site's one renderer.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "blog.markdown.render_article"
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_UPLOAD_MAX_SIZE = int(os.environ.get("BLOG_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
BLOG_PREVIEW_MAX_CHARS = 200_000

# Writing posts (issue 16, blog/sharing.py): how long a draft's share-preview link works.
BLOG_SHARE_LINK_MAX_AGE = int(os.environ.get("BLOG_SHARE_LINK_MAX_AGE_SECONDS", 7 * 24 * 3600))

BLOG_TITLE = os.environ.get("BLOG_TITLE", "The ML Engineering Notebook")
BLOG_DESCRIPTION = os.environ.get(
    "BLOG_DESCRIPTION", "Long-form guides on becoming and working as a machine learning engineer."
)

# Django's defaults already send nosniff, X-Frame-Options: DENY and COOP same-origin, and keep
# the session cookie from scripts; these go further.
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Scripts and styles come only from our own files: no inline script, no inline style (the admin
# and the markdownx editor need neither). A script that must be inline carries the request's
# nonce ({{ request.csp_nonce }}); django-csp adds it to the header only on pages that use it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Log-in throttle (django-axes, counted in PostgreSQL so every worker and host sees the same
# count): 5 failures for one user name, or from one address, lock further attempts out for 15
# minutes. The address is found as for comments (REMOTE_ADDR, or X-Forwarded-For as written by
# our own proxies when TRUSTED_PROXY_COUNT says there are some), so that behind a
# balancer one visitor's failures do not lock out everyone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "ops.login_throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "ops.client_ip.client_ip"
# Lockouts are still logged as warnings; this only drops the start-up banner.
AXES_VERBOSE = False

# Forms that anonymous readers send carry a signed token instead of a CSRF cookie
# (ops/form_tokens.py), so their pages stay cacheable: an older form is sent back to the reader.
FORM_TOKEN_MAX_AGE_SECONDS = int(os.environ.get("FORM_TOKEN_MAX_AGE_SECONDS", 86_400))

# Comments: every comment waits for a moderator; these tune comments/spam_rules.py and the
# flood limit (comments/services.py).
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS", "")
COMMENTS_PER_PAGE = int(os.environ.get("COMMENTS_PER_PAGE", 50))
COMMENTS_FLOOD_LIMIT = int(os.environ.get("COMMENTS_FLOOD_LIMIT", 3))
COMMENTS_FLOOD_WINDOW_SECONDS = int(os.environ.get("COMMENTS_FLOOD_WINDOW_SECONDS", 600))
# Webmentions received within the window, per sending address and per source domain.
WEBMENTIONS_LIMIT_PER_ADDRESS = int(os.environ.get("WEBMENTIONS_LIMIT_PER_ADDRESS", 30))
WEBMENTIONS_LIMIT_PER_DOMAIN = int(os.environ.get("WEBMENTIONS_LIMIT_PER_DOMAIN", 10))
WEBMENTIONS_WINDOW_SECONDS = int(os.environ.get("WEBMENTIONS_WINDOW_SECONDS", 600))
# Fetching other sites' pages (ops/fetch.py): the deadline of one whole fetch, redirects
# included; and "address:port" pairs it may reach although they are not public: only the
# tests' own loopback servers. Empty in production.
FETCH_TIMEOUT_SECONDS = float(os.environ.get("FETCH_TIMEOUT_SECONDS", 10))
FETCH_ALLOWED_TEST_ADDRESSES = env_list("FETCH_ALLOWED_TEST_ADDRESSES", "")
# Sending: attempts per link before giving up, the first retry's delay (doubling each time).
WEBMENTIONS_SEND_ATTEMPTS = int(os.environ.get("WEBMENTIONS_SEND_ATTEMPTS", 5))
WEBMENTIONS_RETRY_BASE_SECONDS = float(os.environ.get("WEBMENTIONS_RETRY_BASE_SECONDS", 300))
COMMENTS_MIN_SUBMIT_SECONDS = float(os.environ.get("COMMENTS_MIN_SUBMIT_SECONDS", 3))
COMMENTS_SPAM_WORDS = env_list("COMMENTS_SPAM_WORDS", "viagra,cialis,casino,replica watches")
COMMENTS_MAX_LINKS = int(os.environ.get("COMMENTS_MAX_LINKS", 2))
# A comment is published at once when its writer proves the address is theirs (a browser that
# confirmed it, or a mailed "publish my comment" link) and the address has an approved comment.
COMMENTS_TRUST_PROVEN_WRITERS = env_flag("COMMENTS_TRUST_PROVEN_WRITERS", default=True)
# A writer may edit their comment this long after sending it, while no approved reply stands
# under it; an approved comment stays approved after an edit of at most COMMENTS_SMALL_EDIT
# characters against the text a moderator approved (and no new link), else it goes back to them.
COMMENTS_EDIT_WINDOW_SECONDS = int(os.environ.get("COMMENTS_EDIT_WINDOW_SECONDS", 900))
COMMENTS_SMALL_EDIT = int(os.environ.get("COMMENTS_SMALL_EDIT", 20))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 10))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "" if PRODUCTION else "webmaster@localhost"
)
if PRODUCTION and not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured("DEFAULT_FROM_EMAIL must be set when DJANGO_ENV=production.")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's own address, for links in mail: mail is built by the task worker, which has no
# request to read it from.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL:
    if PRODUCTION:
        raise ImproperlyConfigured("SITE_URL must be set when DJANGO_ENV=production.")
    SITE_URL = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Mail leaves through the task queue (ops/mail.py), a PostgreSQL table that `manage.py db_worker`
# works through (make run starts it beside gunicorn). Tasks that fetch strangers' pages
# (webmentions) go to the queue "remote", worked by a second `db_worker --queue-name remote`, so
# that no mail ever waits behind the network. Every task has a hard time limit by queue
# (ops/task_limits.py). A failed send is retried after
# MAIL_RETRY_BASE_SECONDS, doubling up to MAIL_RETRY_MAX_SECONDS, MAIL_MAX_ATTEMPTS in all.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "remote"]}}
TASK_TIME_LIMITS = {
    "default": float(os.environ.get("TASK_TIME_LIMIT_SECONDS", 15 * 60)),
    "remote": float(os.environ.get("REMOTE_TASK_TIME_LIMIT_SECONDS", 60)),
}
MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", 30))
MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", 3600))
MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", 12))

# Mail to readers (notifications/): confirmation links last NOTIFICATIONS_CONFIRM_DAYS and an
# address gets at most one confirmation a day; requests for mail are limited per address and
# per visitor's address within NOTIFICATIONS_REQUEST_WINDOW_SECONDS (429 past the limit).
NOTIFICATIONS_CONFIRM_DAYS = int(os.environ.get("NOTIFICATIONS_CONFIRM_DAYS", 7))
NOTIFICATIONS_REQUESTS_PER_ADDRESS = int(os.environ.get("NOTIFICATIONS_REQUESTS_PER_ADDRESS", 5))
NOTIFICATIONS_REQUESTS_PER_IP = int(os.environ.get("NOTIFICATIONS_REQUESTS_PER_IP", 10))
NOTIFICATIONS_REQUEST_WINDOW_SECONDS = int(
    os.environ.get("NOTIFICATIONS_REQUEST_WINDOW_SECONDS", 3600)
)
# Site-wide: confirmation mails past this in one hour wait for the next hour with room.
NOTIFICATIONS_CONFIRMATIONS_PER_HOUR = int(
    os.environ.get("NOTIFICATIONS_CONFIRMATIONS_PER_HOUR", 100)
)
# A new post is mailed to the newsletter's subscribers in batches of NEW_POST_MAIL_BATCH, one
# batch every NEW_POST_MAIL_BATCH_SECONDS (the rate a mail provider allows); failed copies are
# retried as any mail is (MAIL_RETRY_*, MAIL_MAX_ATTEMPTS).
NEW_POST_MAIL_BATCH = int(os.environ.get("NEW_POST_MAIL_BATCH", 50))
NEW_POST_MAIL_BATCH_SECONDS = float(os.environ.get("NEW_POST_MAIL_BATCH_SECONDS", 10))

# How many proxies we run in front of gunicorn: 0 means REMOTE_ADDR is the visitor's address;
# with N, the visitor is the address the outermost of our N proxies saw (in X-Forwarded-For).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

SECURE = env_flag("DJANGO_SECURE", default=PRODUCTION)
if SECURE:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31_536_000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The page cache (ops/page_cache/): whole pages for readers without cookies, in each worker's
# memory, emptied by PostgreSQL's NOTIFY on PAGE_CACHE_CHANNEL whenever anything public changes.
# PAGE_CACHE=off turns it off. PAGE_CACHE_NEXT_CHANGE names the function telling when the next
# scheduled post comes due: nothing cached outlives it. PAGE_CACHE_WORKER_HEADER (tests) adds
# X-Page-Cache: hit|miss|pass; pid=<worker>.
PAGE_CACHE = env_flag("PAGE_CACHE", default=True)
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", 32 * 1024 * 1024))
PAGE_CACHE_CHANNEL = "page_cache"
# LISTEN needs a session of its own on the primary: a direct URL when DATABASE_URL goes through a
# transaction-pooling PgBouncer.
PAGE_CACHE_LISTEN_URL = os.environ.get("PAGE_CACHE_LISTEN_URL", "")
PAGE_CACHE_NEXT_CHANGE = "blog.caching.next_scheduled_publication"
PAGE_CACHE_WORKER_HEADER = env_flag("PAGE_CACHE_WORKER_HEADER")

# On stderr (ops/logs.py): readable lines on a terminal, otherwise one JSON object per line
# (DJANGO_LOG_FORMAT=text|json chooses); a line per request from the "access" logger,
# tracebacks inside their error's line. django.request keeps only errors: the access line
# already reports every 4xx. pgserver tells each pg_ctl command it runs: only its warnings.
LOGGING = logging_config(
    root={"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    loggers={"django.request": {"level": "ERROR"}, "pgserver": {"level": "WARNING"}},
)
