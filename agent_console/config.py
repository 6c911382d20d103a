"""The console's configuration (TOML `[console]` table) and its token store (keyring).

Precedence: built-in defaults < the config file < `AGENT_CONSOLE_SERVER` /
`AGENT_CONSOLE_USERNAME` < command-line flags. The file is `--config PATH`, else
`$AGENT_CONSOLE_CONFIG`, else `config.toml` in the platform config dir (the same file the
server reads its `[server]` table from). The token never goes in the file: `keyring` keeps it.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "agent-console"
KEYRING_SERVICE = "agent-console"
DEFAULT_SERVER = "http://127.0.0.1:8080"
CONFIG_ENV = "AGENT_CONSOLE_CONFIG"


class ConfigError(Exception):
    """The config file is wrong; the message names the key."""


@dataclass
class Macro:
    """A canned answer. `{number}`, `{name}`, `{agent}`, `{subject}`, `{queue}` are filled in."""

    name: str
    body: str
    kind: str = "reply"  # "reply" (to the player) or "note" (internal)

    def render(self, variables: dict[str, str]) -> str:
        return fill(self.body, variables)


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_FIELD = re.compile(r"\{(\w+)\}")


def fill(template: str, variables: dict[str, str]) -> str:
    """Fills `{name}` style variables; unknown names and stray braces are left as they are."""
    keep = _Keep(variables)
    return _FIELD.sub(lambda m: str(keep[m.group(1)]), template)


DEFAULT_MACROS = [
    Macro(
        "Looking into it",
        "Hello {name},\n\nthank you for your patience. I am looking into ticket {number} now "
        "and will get back to you shortly.\n\n{agent}",
    ),
    Macro(
        "Need details",
        "Hello {name},\n\nto move ticket {number} forward I need a few more details: could you "
        "tell me the date, the amount and the payment method?\n\n{agent}",
    ),
    Macro(
        "Resolved",
        "Hello {name},\n\nticket {number} is resolved. If anything else comes up, just reply "
        "to this message.\n\n{agent}",
    ),
    Macro("Handover note", "Handing over: {subject}. Checked so far: ", kind="note"),
]


@dataclass
class ConsoleConfig:
    """Everything the console reads from `[console]`, with defaults."""

    server: str = DEFAULT_SERVER
    username: str = ""
    keymap: dict[str, str] = field(default_factory=dict)
    macros: list[Macro] = field(default_factory=lambda: list(DEFAULT_MACROS))
    cache_dir: str = ""
    theme: str = "textual-dark"
    escalate_queue: str = "l2"
    reconnect_seconds: float = 3.0
    bell: bool = True
    path: Path | None = None

    @property
    def cache_path(self) -> Path:
        """The cache database for this server (one file per server URL)."""
        root = (
            Path(self.cache_dir) if self.cache_dir else Path(platformdirs.user_cache_dir(APP_NAME))
        )
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.server.split("://", 1)[-1]).strip("-")
        return root / f"console-{slug or 'default'}.db"


_SCALARS: dict[str, type] = {
    "server": str,
    "username": str,
    "cache_dir": str,
    "theme": str,
    "escalate_queue": str,
    "reconnect_seconds": float,
    "bell": bool,
}


def default_config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load_config(
    path: str | Path | None = None,
    *,
    server: str | None = None,
    username: str | None = None,
) -> ConsoleConfig:
    """Reads the `[console]` table of the file (a missing file means defaults)."""
    file = Path(path) if path else default_config_path()
    data: dict[str, Any] = {}
    if file.exists():
        try:
            doc = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
        data = doc.get("console", {})
        if not isinstance(data, dict):
            raise ConfigError(f"{file}: [console] must be a table")
    elif path:
        raise ConfigError(f"{file}: no such config file")
    cfg = parse_console_table(data, source=str(file))
    cfg.path = file
    cfg.server = os.environ.get("AGENT_CONSOLE_SERVER") or cfg.server
    cfg.username = os.environ.get("AGENT_CONSOLE_USERNAME") or cfg.username
    if server:
        cfg.server = server
    if username:
        cfg.username = username
    cfg.server = cfg.server.rstrip("/")
    return cfg


def parse_console_table(data: dict[str, Any], source: str = "config") -> ConsoleConfig:
    cfg = ConsoleConfig()
    for key, value in data.items():
        where = f"{source}: [console].{key}"
        if key in _SCALARS:
            want = _SCALARS[key]
            if want is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, want) or (want is not bool and isinstance(value, bool)):
                raise ConfigError(f"{where} must be a {want.__name__}, not {value!r}")
            setattr(cfg, key, value)
        elif key == "keymap":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ConfigError(f'{where} must be a table of binding id = "keys"')
            cfg.keymap = dict(value)
        elif key == "macros":
            cfg.macros = _parse_macros(value, where)
        else:
            raise ConfigError(f"{where}: unknown key")
    return cfg


def _parse_macros(value: Any, where: str) -> list[Macro]:
    if not isinstance(value, list):
        raise ConfigError(f"{where} must be an array of tables ([[console.macros]])")
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"{where}[{i}] must be a table")
        unknown = set(item) - {"name", "body", "kind"}
        if unknown:
            raise ConfigError(f"{where}[{i}]: unknown key(s) {', '.join(sorted(unknown))}")
        name, body, kind = item.get("name"), item.get("body"), item.get("kind", "reply")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}[{i}].name must be a non-empty string")
        if not isinstance(body, str) or not body:
            raise ConfigError(f"{where}[{i}].body must be a non-empty string")
        if kind not in ("reply", "note"):
            raise ConfigError(f'{where}[{i}].kind must be "reply" or "note"')
        out.append(Macro(name, body, kind))
    return out


# -- token store -----------------------------------------------------------------------------
def _account(server: str) -> str:
    return server.rstrip("/")


def save_token(server: str, username: str, token: str, expires_at: str | None = None) -> None:
    """Keeps the token in the system keyring (never in the config file)."""
    import keyring

    value = json.dumps({"username": username, "token": token, "expires_at": expires_at})
    keyring.set_password(KEYRING_SERVICE, _account(server), value)


def load_token(server: str) -> dict[str, Any] | None:
    """{username, token, expires_at} saved for this server, or None."""
    import keyring
    from keyring.errors import KeyringError

    try:
        raw = keyring.get_password(KEYRING_SERVICE, _account(server))
    except KeyringError:
        return None
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("token") else None


def forget_token(server: str) -> bool:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, _account(server))
    except (PasswordDeleteError, KeyringError):
        return False
    return True
