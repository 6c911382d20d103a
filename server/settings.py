"""Server settings in one object: defaults < config file ([server] table) < environment < flags.

Nothing else in the server reads the environment.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "agent-console"
ENV_PREFIX = "AGENT_CONSOLE_"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


class SettingsError(ValueError):
    """A configuration value is wrong; the message names the key and what to do."""


@dataclass(frozen=True)
class Settings:
    db: str = ""  # empty: sqlite file in the data dir
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: str = ""  # empty: the platform's user data dir
    # Bodies larger than this are refused with 413 before they are read whole.
    max_body_bytes: int = 1_048_576
    attachment_max_bytes: int = 10 * 1_048_576
    token_ttl_hours: float = 12.0
    # Sign-in lockout: this many wrong passwords in a row lock the user for the given minutes.
    login_max_failures: int = 5
    login_lockout_minutes: float = 15.0
    # Sign-in attempts allowed per client address per minute (more: 429).
    login_attempts_per_minute: int = 20
    # Roles whose users must enroll in TOTP two-factor sign-in before they can sign in.
    totp_required_roles: tuple[str, ...] = ()
    # How long a verified bearer token is trusted without asking the database again.
    token_cache_seconds: float = 5.0
    sse_heartbeat_seconds: float = 15.0
    sqlite_synchronous: str = "NORMAL"
    default_queue: str = "l1"
    vip_queue: str = "vip"
    log_level: str = "info"
    # The HMAC key of the audit trail's hash chain. Empty: `audit.key` in the data dir, made on
    # first start. Several server processes on one database must share the same key file.
    audit_key_file: str = ""
    # -- intake (POST /api/v1/intake/messages) and the bot --------------------------------
    # Longest message text taken (longer: 413), media items per message.
    intake_max_chars: int = 10_000
    intake_max_media: int = 10
    # Rate limits per channel user and per player address (client_ip), per minute (429).
    intake_user_messages_per_minute: int = 20
    intake_ip_messages_per_minute: int = 60
    # Links and media only after this many meaningful messages (or a verified identity).
    intake_trusted_after: int = 3
    # A hand-off this soon after the bot's answers carries that conversation onto the ticket.
    intake_reopen_minutes: float = 30.0
    # Where money-missing, payment-failed and security hand-offs go (empty: default queue).
    intake_payments_queue: str = "payments"
    # Start training the classifier at server start (in the background).
    bot_warm_up: bool = True
    # The casino's payments backend for status look-ups (empty: no look-ups).
    payments_url: str = ""
    payments_token: str = ""
    payments_timeout_seconds: float = 2.0
    # Follow-ups: ask for CSAT/NPS this long after a ticket is resolved; give up after.
    followup_delay_hours: float = 24.0
    followup_expire_hours: float = 72.0
    followup_interval_seconds: float = 60.0  # 0 turns the loop off
    followup_bot_answered: bool = False  # also ask after tickets the bot answered itself
    # Players' quiet hours (their local time): nothing that is not critical is sent.
    quiet_hours: str = "22:00-08:00"
    # The SLA policy (TOML; see server/sla_defaults.toml). Empty: the shipped defaults. Policies
    # loaded through the admin API are kept in the database and added on top at start.
    sla_policy_file: str = ""
    # Run the SLA job in this process (with PostgreSQL, one process at a time runs it anyway).
    sla_job: bool = True
    # Breach prediction: every this many seconds the SLA job flags waiting tickets that will
    # breach at the queue's pace (agents online, recent answer times). 0: off.
    sla_predict_seconds: float = 30.0
    # Automation: a ticket waiting on the player's clarification gets the bot's reminder after
    # this many hours (delivered outside the player's quiet hours unless P1), and is resolved
    # automatically this many hours after the reminder was due. 0 turns each off.
    automation_remind_hours: float = 24.0
    automation_resolve_hours: float = 48.0
    # Answer time assumed for a queue until it has answered 5 tickets in the last 6 hours.
    sla_predict_default_minutes: float = 10.0
    # Retention: closed tickets last changed more than this many days ago are anonymised
    # (daily inside the server, or `agent-console-server retention run`). 0: off.
    retention_days: int = 0
    # -- routing (issue 5): who gets a new ticket --------------------------------------------
    # Route new unassigned tickets to available agents (presence online, load < capacity).
    routing: bool = True
    # Per-queue strategy, "QUEUE=STRATEGY" (least_loaded, most_experienced, cheapest_first); a
    # queue's regional queues (l1-ru) follow it. Others: routing_default_strategy.
    routing_strategies: tuple[str, ...] = ()
    routing_default_strategy: str = "least_loaded"
    # Languages to try, in order, when nobody available speaks the ticket's language.
    routing_language_fallback: tuple[str, ...] = ()
    # An assignee without a public reply this long after the assignment (business time on the
    # queue's calendar) loses the ticket; it is routed again without them. 0: no timeout.
    routing_assignment_timeout_minutes: float = 10.0
    # How often each process rebuilds its agent pool from the database (other processes' writes).
    routing_resync_seconds: float = 30.0
    # Waiting tickets routed at most at once when an agent comes online or frees capacity.
    routing_waiting_batch: int = 50

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser() if self.data_dir else default_data_dir()

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{self.data_path / 'agent-console.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_path / "attachments"

    @property
    def audit_key_path(self) -> Path:
        return (
            Path(self.audit_key_file).expanduser()
            if self.audit_key_file
            else (self.data_path / "audit.key")
        )

    def audit_key(self) -> bytes:
        """Read the audit key, making one (readable by this user only) on first use."""
        path = self.audit_key_path
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
        key = path.read_text().strip()
        if len(key) < 32:
            raise SettingsError(f"the audit key in {path} is too short (want 64 hex characters)")
        return key.encode()


def _coerce(name: str, raw: Any, template: Any) -> Any:
    if isinstance(template, tuple):  # a list of names: a TOML list or "a,b" text
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise SettingsError(f"setting '{name}' must be a list of names, got {raw!r}")
        return tuple(i.strip() for i in items if i.strip())
    try:
        # A TOML list, table or boolean where a number or text belongs is a mistake.
        wrong_bool = isinstance(raw, bool) and not isinstance(template, bool)
        if wrong_bool or isinstance(raw, list | dict):
            raise TypeError(name)
        if isinstance(template, bool):
            if isinstance(raw, str):
                return raw.strip().lower() in ("1", "true", "yes", "on")
            return bool(raw)
        if isinstance(template, int):
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError(name)  # int(80.5) would quietly make it 80
            return int(raw)
        if isinstance(template, float):
            return float(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"setting '{name}' has value {raw!r}, which is not a {type(template).__name__}"
        ) from exc


def load_settings(
    config_path: str | Path | None = None,
    env: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build Settings from the config file, then AGENT_CONSOLE_* variables, then overrides.

    `config_path` None means the default path, used only if it exists; a path given
    explicitly must exist. Overrides with value None are ignored (unset CLI flags).
    """
    env = dict(os.environ) if env is None else env
    defaults = Settings()
    known = {f.name: getattr(defaults, f.name) for f in fields(Settings)}
    values: dict[str, Any] = {}

    if config_path:
        path, explicit = Path(config_path), True
    elif env.get(f"{ENV_PREFIX}CONFIG"):
        path, explicit = Path(env[f"{ENV_PREFIX}CONFIG"]), True
    else:
        path, explicit = default_config_path(), False
    if path.is_file():
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file {path}: {exc}") from exc
        table = doc.get("server", {})
        for key, raw in table.items():
            if key not in known:
                raise SettingsError(
                    f"config file {path}: unknown key [server].{key}; "
                    f"known keys: {', '.join(sorted(known))}"
                )
            values[key] = _coerce(f"[server].{key}", raw, known[key])
    elif explicit:
        raise SettingsError(f"config file {path} does not exist")

    for key, template in known.items():
        raw = env.get(ENV_PREFIX + key.upper())
        if raw is not None:
            values[key] = _coerce(ENV_PREFIX + key.upper(), raw, template)

    for key, raw in overrides.items():
        if key not in known:
            raise SettingsError(f"unknown setting '{key}'; known: {', '.join(sorted(known))}")
        if raw is not None:
            values[key] = _coerce(key, raw, known[key])
    settings = replace(defaults, **values)
    if settings.sqlite_synchronous.upper() not in ("NORMAL", "FULL", "EXTRA"):
        raise SettingsError("sqlite_synchronous must be NORMAL, FULL or EXTRA")
    try:  # checked here so a typo stops the server, not the follow-up loop an hour later
        from .domain.quiet_hours import QuietWindow

        QuietWindow.parse(settings.quiet_hours)
    except ValueError as exc:
        raise SettingsError(f"setting 'quiet_hours': {exc}") from exc
    return settings
