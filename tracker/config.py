"""Settings: config.toml, overridden by TRACKER_* environment variables.

Nothing here runs at import time: callers ask for `load_settings(path)` and pass the result on.
Environment variables name a key as TRACKER_<SECTION>__<KEY>, e.g. TRACKER_DATABASE__URL.
Secrets (the SMTP password) are read only from the environment.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tracker.domain import Language, ReportFormat
from tracker.errors import ConfigError

ENV_PREFIX = "TRACKER_"
CONFIG_ENV = "TRACKER_CONFIG"
DEFAULT_CONFIG_NAME = "config.toml"
SECRET_KEYS = {("mail", "password")}

_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BadSetting(ConfigError, ValueError):
    """A validator's refusal of a setting's value: pydantic collects it as a ValueError, and
    `load_settings` says where the value came from (the file or a variable) and its key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/tracker.db"
    busy_timeout_ms: int = Field(default=30_000, ge=0)

    @field_validator("url")
    @classmethod
    def _parseable(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise BadSetting("config.not_database_url", value=value) from None
        if backend not in ("sqlite", "postgresql"):
            raise BadSetting("config.unsupported_database", backend=backend)
        return value


class GeneralSettings(_Section):
    timezone: str = "Asia/Seoul"
    language: Language = Language.KO

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadSetting("config.unknown_zone", value=value) from None
        return value


class PathSettings(_Section):
    templates: Path = Path("templates")
    reports: Path = Path("reports")
    evidence: Path = Path("var/evidence")


class ImportSettings(_Section):
    max_bytes: int = Field(default=5_000_000, gt=0)
    mechanisms: list[dict[str, Any]] = Field(default_factory=list)


class IntakeSettings(_Section):
    """Follow-up intake (tracker.intake): how sure a proposal must be, and how far it looks."""

    # A link is proposed only at or above this score (0 to 1; see tracker/intake/proposals.py).
    threshold: float = Field(default=0.3, gt=0, le=1)
    # Without an agreement named, the agreements with the text's counterpart read, newest first.
    max_agreements: int = Field(default=200, ge=1, le=5000)
    # Links proposed at most per sentence, and in all.
    per_sentence: int = Field(default=5, ge=1, le=50)
    max_links: int = Field(default=100, ge=1, le=1000)


class MailSettings(_Section):
    backend: Literal["file", "smtp"] = "file"
    from_address: str = "tracker <tracker@localhost>"
    outbox_dir: Path = Path("var/outbox")
    host: str = "localhost"
    port: int = Field(default=587, gt=0, lt=65536)
    security: Literal["none", "starttls", "tls"] = "starttls"
    user: str = ""
    password: SecretStr = SecretStr("")
    timeout_seconds: float = Field(default=30.0, gt=0)


class ScheduleSettings(_Section):
    report_lead_days: int = Field(default=30, ge=0, le=365)
    # A meeting recorded this many days or fewer from the estimate a review report was built for
    # does not build another (tracker.services.due).
    rebuild_after_days: int = Field(default=14, ge=0, le=365)
    digest_weekday: str = "mon"
    digest_time: str = "08:00"
    stale_check_time: str = "06:00"
    misfire_grace_seconds: int = Field(default=86_400, ge=1)
    lease_seconds: int = Field(default=900, ge=1)

    @field_validator("digest_time", "stale_check_time")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        if not _TIME_OF_DAY.match(value):
            raise BadSetting("config.time_of_day", value=value)
        return value

    @field_validator("digest_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        if value.lower() not in _WEEKDAYS:
            raise BadSetting("config.weekday", choices=_WEEKDAYS, value=value)
        return value.lower()


class ProgressStatus(_Section):
    """One progress status: the key stored in the database and its labels."""

    key: str = Field(pattern=r"^[a-z][a-z_]{0,48}$")
    ko: str = Field(min_length=1, max_length=50)
    en: str = Field(min_length=1, max_length=50)
    default: bool = False
    stalled: bool = False
    final: bool = False

    def label(self, language: Language) -> str:
        return self.ko if language is Language.KO else self.en


DEFAULT_STATUSES = (
    ProgressStatus(key="not_assessed", ko="점검 전", en="Not assessed yet", default=True),
    ProgressStatus(key="not_started", ko="미착수", en="Not started"),
    ProgressStatus(key="in_progress", ko="진행 중", en="In progress"),
    ProgressStatus(key="ongoing", ko="상시 이행", en="Ongoing"),
    ProgressStatus(key="achieved", ko="달성", en="Achieved", final=True),
    ProgressStatus(key="stalled", ko="정체", en="Stalled", stalled=True),
    ProgressStatus(key="discontinued", ko="중단", en="Discontinued", final=True),
)


class ProgressSettings(_Section):
    statuses: tuple[ProgressStatus, ...] = DEFAULT_STATUSES

    @field_validator("statuses")
    @classmethod
    def _one_default_and_unique(
        cls, value: tuple[ProgressStatus, ...]
    ) -> tuple[ProgressStatus, ...]:
        keys = [status.key for status in value]
        if duplicated := sorted({key for key in keys if keys.count(key) > 1}):
            raise BadSetting("config.status_repeated", keys=duplicated)
        defaults = [status.key for status in value if status.default]
        if len(defaults) != 1:
            raise BadSetting("config.status_default", count=len(defaults))
        return value


class EvidenceSettings(_Section):
    max_bytes: int = Field(default=20_000_000, gt=0)


class ReportSettings(_Section):
    classification: str = Field(default="", max_length=100)
    override_templates: Path | None = None
    time_limit_seconds: float = Field(default=120.0, gt=0)
    memory_mb: int = Field(default=1536, ge=256)
    brief_max_details: int = Field(default=200, ge=0, le=5000)
    # What the scheduler writes each due report as: every format is one version of the report.
    formats: list[ReportFormat] = Field(default_factory=lambda: [ReportFormat.PDF], min_length=1)

    @field_validator("formats")
    @classmethod
    def _each_format_once(cls, value: list[ReportFormat]) -> list[ReportFormat]:
        return list(dict.fromkeys(value))


class AttentionSettings(_Section):
    stale_days: int = Field(default=90, gt=0)
    due_days: int = Field(default=60, gt=0)


class DigestSettings(_Section):
    max_items: int = Field(default=20, ge=1, le=200)


def _networks(value: tuple[str, ...]) -> tuple[str, ...]:
    networks = []
    for each in value:
        try:  # 10.1.2.3/24 is read as the network 10.1.2.0/24 it lies in
            networks.append(str(ip_network(each.strip(), strict=False)))
        except ValueError:
            raise BadSetting("config.not_proxy_address", value=each) from None
    return tuple(networks)


class WebSettings(_Section):
    base_url: str = "http://127.0.0.1:8000"
    max_request_bytes: int = Field(default=50_000_000, gt=0)
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks); none by
    # default, so no client can name its own address to slip past the sign-in throttle.
    trusted_proxies: tuple[str, ...] = ()

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _networks(value)

    @property
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(each) for each in self.trusted_proxies)


class StorageSettings(_Section):
    # "filesystem": evidence and reports in the folders of [paths] (one machine, or a folder
    # every server mounts); "database": their bytes in the database, in chunks, so every server
    # reads what another wrote (PostgreSQL, several servers).
    backend: Literal["filesystem", "database"] = "filesystem"
    chunk_bytes: int = Field(default=1_048_576, ge=4096, le=64 * 1_048_576)


class LoggingSettings(_Section):
    format: Literal["text", "json"] = "text"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class MetricsSettings(_Section):
    # Prometheus /metrics: off unless enabled, and then readable only from these addresses or
    # networks (the peer's address; a trusted proxy's forwarded address does not count).
    enabled: bool = False
    allow: tuple[str, ...] = ("127.0.0.1", "::1")

    @field_validator("allow")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _networks(value)

    @property
    def allowed_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(each) for each in self.allow)


class Settings(BaseSettings):
    """Every setting of one installation; relative paths are resolved against `base_dir`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    base_dir: Path = Field(default=Path("."), exclude=True)
    database: DatabaseSettings = DatabaseSettings()
    general: GeneralSettings = GeneralSettings()
    paths: PathSettings = PathSettings()
    imports: ImportSettings = ImportSettings()
    intake: IntakeSettings = IntakeSettings()
    mail: MailSettings = MailSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    progress: ProgressSettings = ProgressSettings()
    evidence: EvidenceSettings = EvidenceSettings()
    attention: AttentionSettings = AttentionSettings()
    reports: ReportSettings = ReportSettings()
    digests: DigestSettings = DigestSettings()
    web: WebSettings = WebSettings()
    storage: StorageSettings = StorageSettings()
    logging: LoggingSettings = LoggingSettings()
    metrics: MetricsSettings = MetricsSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file, which arrives as init keywords.
        return (env_settings, init_settings)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.general.timezone)

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def database_url(self) -> str:
        """The URL with a relative SQLite file made absolute against the config's folder."""
        url = make_url(self.database.url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            db_path = Path(url.database)
            if not db_path.is_absolute():
                url = url.set(database=str(self.resolve(db_path)))
        return url.render_as_string(hide_password=False)

    @property
    def sqlite_path(self) -> Path | None:
        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database)


def default_config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_NAME)


def load_settings(path: Path | None = None) -> Settings:
    """Read `path` (or $TRACKER_CONFIG, or ./config.toml when present) and the environment.

    An explicitly named file must exist; the implicit ./config.toml may be absent (defaults).
    """
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    config_path = path if path is not None else default_config_path()
    data: dict[str, Any] = {}
    if config_path.exists() or explicit:
        data = _read_toml(config_path)
    _refuse_secrets_in_file(data, config_path)
    base_dir = config_path.resolve().parent
    try:
        return Settings(base_dir=base_dir, **data)
    except ValidationError as exc:
        raise _refusal(exc, config_path) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError("config.file_missing").at(str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("config.unreadable", reason=str(exc)).at(str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config.not_toml", reason=str(exc)).at(str(path)) from None


def _refuse_secrets_in_file(data: dict[str, Any], path: Path) -> None:
    for section, key in SECRET_KEYS:
        if key in data.get(section, {}):
            env = f"{ENV_PREFIX}{section.upper()}__{key.upper()}"
            raise ConfigError("config.secret_in_file", variable=env).at(f"{path}: {section}.{key}")


def _refusal(exc: ValidationError, path: Path) -> ConfigError:
    """The first problem pydantic found, as one line that names where the value came from (the
    file, or the environment variable that overrides it), its key and what is wrong with it."""
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"] if part != "base_dir")
    env = f"{ENV_PREFIX}{'__'.join(str(p).upper() for p in error['loc'])}"
    from_env = env in os.environ  # the environment wins over the file
    if error["type"] == "extra_forbidden":
        if from_env:
            return ConfigError("config.unknown_key_env", variable=env, key=key)
        return ConfigError("config.unknown_key", key=key).at(str(path))
    return _problem(error).at(f"{env if from_env else path}: {key}")


def _problem(error: ErrorDetails) -> ConfigError:
    """What is wrong with a value, in the catalogues' words: a validator's own refusal, else
    the kind of pydantic's problem with its limit (never pydantic's English)."""
    context = error.get("ctx", {})
    refused = context.get("error")
    if isinstance(refused, ConfigError):
        return refused
    kind = error["type"]
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        if choices:
            return ConfigError("config.choice", choices=choices)
    said = _PROBLEMS.get(kind)
    return said(context) if said else ConfigError("config.invalid", problem=kind)


_PROBLEMS: dict[str, Callable[[dict[str, Any]], ConfigError]] = {
    "greater_than": lambda c: ConfigError("config.greater_than", limit=c["gt"]),
    "greater_than_equal": lambda c: ConfigError("config.at_least", limit=c["ge"]),
    "less_than": lambda c: ConfigError("config.less_than", limit=c["lt"]),
    "less_than_equal": lambda c: ConfigError("config.at_most", limit=c["le"]),
    "string_too_long": lambda c: ConfigError("config.too_long", limit=c["max_length"]),
    "string_too_short": lambda c: ConfigError("config.too_short", limit=c["min_length"]),
    "string_pattern_mismatch": lambda c: ConfigError("config.pattern", pattern=c["pattern"]),
    "missing": lambda _: ConfigError("config.missing"),
    "int_parsing": lambda _: ConfigError("config.integer"),
    "int_type": lambda _: ConfigError("config.integer"),
    "int_from_float": lambda _: ConfigError("config.integer"),
    "float_parsing": lambda _: ConfigError("config.number"),
    "float_type": lambda _: ConfigError("config.number"),
    "bool_parsing": lambda _: ConfigError("config.boolean"),
    "bool_type": lambda _: ConfigError("config.boolean"),
    "string_type": lambda _: ConfigError("config.text"),
}
