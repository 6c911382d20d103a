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
