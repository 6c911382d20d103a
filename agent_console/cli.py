"""`agent-console`: the keyboard-driven console, and `login` / `logout` for its token.

agent-console [--server URL] [--config PATH]     open the console
agent-console login [--server URL] [--user NAME] sign in and keep the token (keyring)
agent-console logout [--server URL]              revoke and forget the token
"""

from __future__ import annotations

import asyncio
import os

import click

from .config import ConfigError, ConsoleConfig, forget_token, load_config, load_token, save_token

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _config(server: str | None, config: str | None, user: str | None = None) -> ConsoleConfig:
    try:
        return load_config(config, server=server, username=user)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(context_settings=CONTEXT, invoke_without_command=True)
@click.option(
    "--server",
    metavar="URL",
    help="Ticket server URL (default: [console].server, else http://127.0.0.1:8080).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (TOML, [console] table). Default: the platform config dir's "
    "agent-console/config.toml, or $AGENT_CONSOLE_CONFIG.",
)
@click.pass_context
def main(ctx: click.Context, server: str | None, config_path: str | None) -> None:
    """Open the agent console: queues in work order, tickets, replies and macros at the
    keyboard, online or offline (writes wait in an outbox).

    Without a saved token it shows a login form (user, Tab, password, Enter); the token is
    kept in the system keyring, never in the config file. Press ? in the console for every
    key, ctrl+p for the command palette, : for the command line.
    """
    ctx.ensure_object(dict)
    ctx.obj["server"] = server
    ctx.obj["config"] = config_path
    if ctx.invoked_subcommand is not None:
        return
    from .app import make_app
    from .client import ApiClient

    cfg = _config(server, config_path)
    token = os.environ.get("AGENT_CONSOLE_TOKEN")
    if not token:
        saved = load_token(cfg.server)
        if saved:
            token = saved["token"]
            cfg.username = saved.get("username") or cfg.username
    try:
        app = make_app(cfg, ApiClient(cfg.server, token))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    app.run()


@main.command(context_settings=CONTEXT)
@click.option("--user", "-u", metavar="NAME", help="Username (default: [console].username).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (scripts)."
)
@click.pass_context
def login(ctx: click.Context, user: str | None, password_stdin: bool) -> None:
    """Sign in and keep the token in the system keyring."""
    from .client import ApiClient, ApiError, Offline

    cfg = _config(ctx.obj["server"], ctx.obj["config"], user)
    username = cfg.username or click.prompt("user")
    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\n")
    else:
        password = click.prompt("password", hide_input=True)

    async def go() -> dict:
        client = ApiClient(cfg.server)
        try:
            return await client.login(username, password)
        finally:
            await client.aclose()

    try:
        data = asyncio.run(go())
    except Offline as exc:
        raise click.ClickException(str(exc)) from exc
    except ApiError as exc:
        raise click.ClickException(exc.message) from exc
    try:
        save_token(cfg.server, username, data["token"], data.get("expires_at"))
    except Exception as exc:
        raise click.ClickException(
            f"signed in, but the token could not be saved: the keyring says {exc}. "
            "Install a keyring backend (e.g. keyrings.alt on a headless machine)."
        ) from exc
    click.echo(
        f"signed in to {cfg.server} as {username}; the token expires {data.get('expires_at')}"
    )


@main.command(context_settings=CONTEXT)
@click.pass_context
def logout(ctx: click.Context) -> None:
    """Revoke the saved token on the server and forget it."""
    from .client import ApiClient, ClientError

    cfg = _config(ctx.obj["server"], ctx.obj["config"])
    saved = load_token(cfg.server)
    if not saved:
        click.echo(f"no saved token for {cfg.server}")
        return

    async def go() -> None:
        client = ApiClient(cfg.server, saved["token"])
        try:
            await client.logout()
        finally:
            await client.aclose()

    try:
        asyncio.run(go())
    except ClientError as exc:
        click.echo(f"the server did not take the logout ({exc}); forgetting the token anyway")
    forget_token(cfg.server)
    click.echo(f"logged out of {cfg.server}")
