"""The one settings class of the service: every knob, read from CLEARPOST_* environment variables.

Used by the store, the workflows, the web app and the CLI; nothing reads the environment elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLEARPOST_", extra="ignore")

    #: SQLAlchemy URL; None means a SQLite file under `data_dir` (nothing to set up).
    database_url: str | None = None
    data_dir: Path = Path("var")
    #: PostgreSQL: seconds to wait for a connection to the server, and for a free connection
    #: of the pool, before a request fails with 503 (SQLite ignores both).
    db_connect_timeout_s: int = Field(default=3, ge=1)
    db_pool_timeout_s: float = Field(default=10, gt=0)
    #: A policy pack directory; None is the built-in pack.
    policy_dir: Path | None = None

    #: Signs session cookies and CSRF tokens. Generated per process when unset (sessions then
    #: do not survive a restart), which is right for the demo and wrong for production.
    secret_key: SecretStr | None = None
    #: Fernet keys (url-safe base64, 32 bytes), newest first, comma-separated: the first
    #: encrypts, all decrypt, so a new key can be put in front and old data re-encrypted.
    encryption_keys: SecretStr | None = None
    cookie_secure: bool = True
    session_max_age_s: int = Field(default=8 * 3600, ge=60)
    #: While the database is unreachable, an API token seen within this long still signs its
    #: user in, so that /check (which needs no database) keeps working through an outage; a
    #: token revoked just before the outage may work that long (docs/security.md). 0: never.
    stale_token_grace_s: float = Field(default=600.0, ge=0, le=86_400)

    #: Load the encoder models (`conduct-ml` extra: ~5 s and ~490 MB per process) at start-up,
    #: before the server answers, so that the first post that needs them does not wait.
    warm_models: bool = True

    #: Requests per user per minute (0 disables the limit).
    rate_limit_per_minute: int = Field(default=600, ge=0)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    page_size_max: int = Field(default=200, ge=1)

    #: Outgoing e-mail: None prints messages to the console instead of sending them.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "clearpost@localhost"
    #: Background work: "sqlite" (a file under data_dir), "immediate" (in the calling
    #: thread, for tests), or a redis:// URL.
    huey: str = "sqlite"

    #: OIDC sign-in through the organization's identity provider; off when issuer is unset.
    oidc_issuer: str | None = None
    oidc_metadata_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scope: str = "openid email profile"
    #: Roles given to a user first seen through OIDC.
    oidc_default_roles: str = "employee"

    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"

    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'clearpost.db').as_posix()}"
