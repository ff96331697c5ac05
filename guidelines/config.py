"""Configuration: safe defaults, overridden by environment variables."""

import os
from pathlib import Path

MEGABYTE = 1024 * 1024


class ConfigError(RuntimeError):
    """The configuration cannot produce a safe running app."""


def load_config(instance_path: str) -> dict:
    """Return the settings for an app whose instance folder is ``instance_path``."""
    instance = Path(instance_path)
    max_upload = int(os.environ.get("MAX_UPLOAD_BYTES", 5 * MEGABYTE))
    public_url = os.environ.get("PUBLIC_URL", "").rstrip("/")
    # Cookies travel only over HTTPS once the site is served so (SECURE_COOKIES=0 to opt out).
    secure_default = "1" if public_url.startswith("https://") else "0"
    secure = os.environ.get("SECURE_COOKIES", secure_default).lower() in ("1", "true", "yes")
    return {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'guidelines.db'}")
        ),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _read_secret_file(instance),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR", str(instance / "search-index")),
        # After a request commits, apply the outbox to this node's index before responding;
        # and every SEARCH_CATCHUP_SECONDS, look for changes committed by other processes.
        "SEARCH_SYNC_ON_REQUEST": True,
        "SEARCH_CATCHUP_SECONDS": float(os.environ.get("SEARCH_CATCHUP_SECONDS", 30)),
        # A portal page kept for readers not logged in is checked against the database again
        # after this long: another worker's change shows within it (guidelines/portal/pages.py).
        "PORTAL_PAGE_RECHECK_SECONDS": float(os.environ.get("PORTAL_PAGE_RECHECK_SECONDS", 1)),
        # How long a writer waits for the index's lock: a request briefly, a command longer.
        "SEARCH_REQUEST_WRITER_TIMEOUT": 2.0,
        "SEARCH_WRITER_TIMEOUT": float(os.environ.get("SEARCH_WRITER_TIMEOUT", 120)),
        # A gap in the outbox numbers younger than this may still be filled by a transaction
        # that has not committed yet; an older one is taken for a rollback.
        "SEARCH_OUTBOX_GRACE_SECONDS": float(os.environ.get("SEARCH_OUTBOX_GRACE_SECONDS", 120)),
        "MAX_UPLOAD_BYTES": max_upload,
        # Leave room for the form fields around the file, so an oversized file gets our
        # own message from the form rather than a bare 413.
        "MAX_CONTENT_LENGTH": max_upload + MEGABYTE,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_TRANSLATION_DIRECTORIES": str(
            Path(__file__).resolve().parent.parent / "translations"
        ),
        "LANGUAGES": ("nl", "en", "fr", "de"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        # How many reverse proxies stand in front of the app; their X-Forwarded-For, -Proto,
        # -Host and -Prefix headers are believed only then (0: never, the default).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        # Login attempts, per client address and e-mail address, and per client address.
        # Several workers or nodes share counts only in a common store: RATELIMIT_STORAGE_URI
        # (for example redis://localhost:6379); the default counts per process.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_LIMITS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;30 per hour"),
        "LOGIN_ADDRESS_RATE_LIMIT": os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "100 per hour"),
        # E-mail for notifications: off unless MAIL_SERVER is set.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "guidelines@localhost"),
        # The address of the site in e-mails, e.g. https://richtlijnen.example.be
        "PUBLIC_URL": public_url,
    }


def normalise_database_url(url: str) -> str:
    """Point a plain PostgreSQL URL at psycopg 3, the only PostgreSQL driver installed."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _read_secret_file(instance: Path) -> str | None:
    """Return the key that ``make run`` keeps in the instance folder, if there is one."""
    path = instance / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def check_config(config: dict) -> None:
    """Refuse to start without the settings no deployment may miss."""
    if not config.get("SECRET_KEY"):
        raise ConfigError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, or write a random "
            "key to instance/secret_key (make run does this for you)."
        )
