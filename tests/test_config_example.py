"""config.example.toml documents every server setting, and loads as it is."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

from server.settings import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"


def test_example_config_loads_and_names_every_setting() -> None:
    settings = load_settings(EXAMPLE, env={})
    assert settings.port == 8080
    documented = set(tomllib.loads(EXAMPLE.read_text())["server"])
    known = {f.name for f in fields(Settings)}
    assert documented == known


def test_example_config_loads_in_the_console(monkeypatch) -> None:
    from agent_console.config import load_config

    for var in ("AGENT_CONSOLE_SERVER", "AGENT_CONSOLE_USERNAME"):
        monkeypatch.delenv(var, raising=False)
    config = load_config(EXAMPLE)
    assert config.server == "http://127.0.0.1:8080"
    assert config.macros and config.macros[0].kind == "reply"
