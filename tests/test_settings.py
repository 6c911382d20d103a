"""server/settings.py: defaults < config file [server] < AGENT_CONSOLE_* environment < overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

import server.settings as settings_module
from server.settings import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the real user's config file: the default path points into tmp_path."""
    path = tmp_path / "default-config" / "config.toml"
    monkeypatch.setattr(settings_module, "default_config_path", lambda: path)
    for name in list(__import__("os").environ):
        if name.startswith("AGENT_CONSOLE_"):
            monkeypatch.delenv(name)
    return path


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    s = load_settings(env={})
    assert s == Settings()
    assert s.port == 8080 and s.host == "127.0.0.1"
    assert s.max_body_bytes == 1_048_576
    assert s.attachment_max_bytes == 10 * 1_048_576
    assert s.default_queue == "l1" and s.vip_queue == "vip"
    assert s.sqlite_synchronous == "NORMAL"


def test_paths_derive_from_data_dir(tmp_path):
    s = load_settings(env={}, data_dir=str(tmp_path / "d"))
    assert s.data_path == tmp_path / "d"
    assert s.db_url == f"sqlite:///{tmp_path / 'd' / 'agent-console.db'}"
    assert s.blob_dir == tmp_path / "d" / "attachments"
    s = load_settings(env={}, db="postgresql://x@h/db")
    assert s.db_url == "postgresql://x@h/db"


def test_load_order(tmp_path):
    cfg = write(
        tmp_path,
        """
[server]
port = 9000
host = "0.0.0.0"
max_body_bytes = 2048
token_ttl_hours = 1.5
default_queue = "l2"

[client]
server = "http://elsewhere"  # other tables belong to the console and are ignored
""",
    )
    file_only = load_settings(cfg, env={})
    assert file_only.port == 9000 and file_only.host == "0.0.0.0"
    assert file_only.max_body_bytes == 2048 and file_only.token_ttl_hours == 1.5
    assert file_only.default_queue == "l2"
    assert file_only.vip_queue == "vip"  # not in the file: default

    env = {"AGENT_CONSOLE_PORT": "9100", "AGENT_CONSOLE_VIP_QUEUE": "vvip-desk"}
    with_env = load_settings(cfg, env=env)
    assert with_env.port == 9100  # env beats the file
    assert with_env.host == "0.0.0.0"  # the file beats the default
    assert with_env.vip_queue == "vvip-desk"

    final = load_settings(cfg, env=env, port=9200, host=None, max_body_bytes="4096")
    assert final.port == 9200  # an override beats the environment
    assert final.host == "0.0.0.0"  # None = an unset flag: ignored
    assert final.max_body_bytes == 4096  # coerced like everything else
    assert final.vip_queue == "vvip-desk"


def test_environment_is_read_from_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("AGENT_CONSOLE_PORT", "7777")
    monkeypatch.setenv("AGENT_CONSOLE_SSE_HEARTBEAT_SECONDS", "2.5")
    monkeypatch.setenv("OTHER_PORT", "1")
    s = load_settings()
    assert s.port == 7777 and s.sse_heartbeat_seconds == 2.5
    # An explicit env mapping replaces os.environ entirely.
    assert load_settings(env={}).port == 8080


def test_config_path_from_environment(tmp_path):
    cfg = write(tmp_path, "[server]\nport = 8181\n", "from-env.toml")
    assert load_settings(env={"AGENT_CONSOLE_CONFIG": str(cfg)}).port == 8181
    # An explicit path wins over AGENT_CONSOLE_CONFIG.
    other = write(tmp_path, "[server]\nport = 8282\n", "explicit.toml")
    assert load_settings(other, env={"AGENT_CONSOLE_CONFIG": str(cfg)}).port == 8282


def test_default_config_file_is_used_when_present(no_user_config):
    assert load_settings(env={}).port == 8080  # absent: fine
    no_user_config.parent.mkdir(parents=True)
    no_user_config.write_text("[server]\nport = 8383\n", encoding="utf-8")
    assert load_settings(env={}).port == 8383


def test_file_without_server_table(tmp_path):
    cfg = write(tmp_path, '[client]\nserver = "http://x"\n')
    assert load_settings(cfg, env={}) == Settings()


def test_unknown_key_is_named(tmp_path):
    cfg = write(tmp_path, "[server]\nport = 1\nlisten_port = 9000\n")
    with pytest.raises(SettingsError) as info:
        load_settings(cfg, env={})
    message = str(info.value)
    assert "listen_port" in message and str(cfg) in message
    assert "port" in message  # lists the known keys


def test_unknown_environment_variables_are_ignored():
    assert load_settings(env={"AGENT_CONSOLE_COLOUR": "red"}) == Settings()


def test_unknown_override_is_a_settings_error():
    with pytest.raises(SettingsError, match="bogus"):
        load_settings(env={}, bogus=1)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('port = "eighty"', "port"),
        ('max_body_bytes = "1MB"', "max_body_bytes"),
        ('token_ttl_hours = "long"', "token_ttl_hours"),
        ("port = 80.5", "port"),
        ("port = true", "port"),
        ("port = [80]", "port"),
        ('host = ["a", "b"]', "host"),
        ("db = { url = 'x' }", "db"),
    ],
)
def test_bad_type_in_file(tmp_path, toml, key):
    cfg = write(tmp_path, f"[server]\n{toml}\n")
    with pytest.raises(SettingsError) as info:
        load_settings(cfg, env={})
    assert f"[server].{key}" in str(info.value)


def test_whole_number_types_that_are_fine(tmp_path):
    cfg = write(tmp_path, "[server]\ntoken_ttl_hours = 2\nport = 8000\n")
    s = load_settings(cfg, env={})
    assert s.token_ttl_hours == 2.0 and isinstance(s.token_ttl_hours, float)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AGENT_CONSOLE_PORT", "abc"),
        ("AGENT_CONSOLE_PORT", "80.5"),
        ("AGENT_CONSOLE_TOKEN_TTL_HOURS", "twelve"),
        ("AGENT_CONSOLE_MAX_BODY_BYTES", ""),
    ],
)
def test_bad_type_in_environment(name, value):
    with pytest.raises(SettingsError) as info:
        load_settings(env={name: value})
    assert name in str(info.value) and repr(value) in str(info.value)


def test_bad_type_in_override():
    with pytest.raises(SettingsError, match="port"):
        load_settings(env={}, port="x")


def test_explicit_missing_config_is_an_error(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(SettingsError) as info:
        load_settings(missing, env={})
    assert str(missing) in str(info.value)
    with pytest.raises(SettingsError):
        load_settings(env={"AGENT_CONSOLE_CONFIG": str(missing)})


def test_broken_toml_is_a_settings_error(tmp_path):
    cfg = write(tmp_path, "[server\nport = \n")
    with pytest.raises(SettingsError) as info:
        load_settings(cfg, env={})
    assert str(cfg) in str(info.value)


def test_sqlite_synchronous_is_checked(tmp_path):
    assert load_settings(env={"AGENT_CONSOLE_SQLITE_SYNCHRONOUS": "full"}).sqlite_synchronous
    with pytest.raises(SettingsError, match="sqlite_synchronous"):
        load_settings(env={"AGENT_CONSOLE_SQLITE_SYNCHRONOUS": "OFF"})
    cfg = write(tmp_path, '[server]\nsqlite_synchronous = "sometimes"\n')
    with pytest.raises(SettingsError):
        load_settings(cfg, env={})


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(AttributeError):
        s.port = 1  # type: ignore[misc]
