"""`agent-console-server`: serve, migrate, create-user, seed-demo."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console

from .domain.values import Role
from .settings import Settings, SettingsError, load_settings

err = Console(stderr=True)
out = Console()

DB_HELP = (
    "Database URL: sqlite:///path.db or postgresql://user@host/db. Default: "
    "$AGENT_CONSOLE_DB, then [server].db in the config file, then a SQLite file in the "
    "user data dir."
)


def db_option(f: Any) -> Any:
    return click.option("--db", "db", metavar="URL", help=DB_HELP)(f)


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    try:
        return load_settings(ctx.obj.get("config"), **overrides)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Config file (TOML, [server] table). Default: the platform config dir's "
    "agent-console/config.toml, if present; or $AGENT_CONSOLE_CONFIG.",
)
@click.version_option(package_name="agent-console")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """The Agent Console ticket server and its admin commands."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@main.command()
@db_option
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8080).")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]))
@click.pass_context
def serve(
    ctx: click.Context, db: str | None, host: str | None, port: int | None, log_level: str | None
) -> None:
    """Run the HTTP server. Migrates an empty or older database first."""
    import uvicorn

    from .api.app import create_app

    settings = settings_from(ctx, db=db, host=host, port=port, log_level=log_level)
    err.print(
        f"[bold]agent-console-server[/] on http://{settings.host}:{settings.port} "
        f"(database: {_safe_url(settings.db_url)})"
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        timeout_graceful_shutdown=5,
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command()
@db_option
@click.pass_context
def migrate(ctx: click.Context, db: str | None) -> None:
    """Bring the database schema up to date (safe to run again)."""
    from .store.engine import make_engine
    from .store.migrate import upgrade

    settings = settings_from(ctx, db=db)
    engine = make_engine(settings.db_url, pool_size=1)
    try:
        before, after = upgrade(engine)
    except Exception as exc:
        err.print(f"[red]migration failed:[/] {exc}")
        sys.exit(1)
    finally:
        engine.dispose()
    if before == after:
        out.print(f"schema already at revision {after}")
    else:
        out.print(f"schema migrated: {before or 'empty'} → {after}")


ROLES = [r.value for r in Role]


@main.command("create-user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The user's role.")
@click.option("--password", help="The password; prompted twice (hidden) when absent.")
@click.option("--display-name", help="Name shown to colleagues (default: NAME).")
@click.option("--queues", default="", help="Comma-separated queues the user works.")
@click.option("--languages", default="", help="Comma-separated language codes the user speaks.")
@db_option
@click.pass_context
def create_user(
    ctx: click.Context,
    name: str,
    role: str,
    password: str | None,
    display_name: str | None,
    queues: str,
    languages: str,
    db: str | None,
) -> None:
    """Create a desk user NAME, or reset the password and role of an existing one."""
    from .services.users import create_or_update_user

    settings = settings_from(ctx, db=db)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise click.UsageError("the password must not be empty")
    created = create_or_update_user(
        settings.db_url,
        username=name,
        role=role,
        password=password,
        display_name=display_name or name,
        queues=[q.strip() for q in queues.split(",") if q.strip()],
        languages=[x.strip() for x in languages.split(",") if x.strip()],
        audit_key=settings.audit_key(),
    )
    out.print(f"user '{name}' ({role}) {'created' if created else 'updated'}")


@main.group()
def totp() -> None:
    """Two-factor sign-in (TOTP, as in authenticator apps)."""


@totp.command("enroll")
@click.argument("name")
@db_option
@click.pass_context
def totp_enroll(ctx: click.Context, name: str, db: str | None) -> None:
    """Give user NAME a new TOTP secret; from then on sign-in needs the 6-digit code.

    Prints the secret and an otpauth:// URI to put in an authenticator app (once: it is not
    shown again). Enrolling again replaces the secret."""
    from .services.users import set_totp_secret

    settings = settings_from(ctx, db=db)
    secret = set_totp_secret(settings.db_url, name, enroll=True, audit_key=settings.audit_key())
    if secret is None:
        raise click.UsageError(f"user '{name}' does not exist")
    import pyotp

    uri = pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="Agent Console")
    out.print(f"user '{name}' enrolled in two-factor sign-in")
    out.print(f"secret: {secret}")
    out.print(f"URI:    {uri}", soft_wrap=True)


@totp.command("remove")
@click.argument("name")
@db_option
@click.pass_context
def totp_remove(ctx: click.Context, name: str, db: str | None) -> None:
    """Take user NAME out of two-factor sign-in (e.g. a lost phone)."""
    from .services.users import set_totp_secret

    settings = settings_from(ctx, db=db)
    if set_totp_secret(settings.db_url, name, enroll=False, audit_key=settings.audit_key()) is None:
        raise click.UsageError(f"user '{name}' does not exist")
    out.print(f"user '{name}' no longer uses two-factor sign-in")


@main.group()
def audit() -> None:
    """Check and export the tamper-evident audit trail."""


@audit.command("verify")
@db_option
@click.pass_context
def audit_verify(ctx: click.Context, db: str | None) -> None:
    """Walk the whole hash chain; name every edited, inserted or deleted row. Exit 1 if any."""
    from .domain.audit_chain import verify
    from .store import audit as audit_store
    from .store.engine import make_engine

    settings = settings_from(ctx, db=db)
    key = settings.audit_key()
    engine = make_engine(settings.db_url, writer=False, pool_size=1)
    try:
        with engine.connect() as conn:
            count, problems = verify(key, audit_store.every_row(conn), audit_store.head(conn))
    finally:
        engine.dispose()
    if problems:
        for problem in problems:
            err.print(f"[red]✗[/] {problem}")
        err.print(
            f"[red]the audit trail was tampered with[/]: {len(problems)} problem(s) in {count} rows"
        )
        sys.exit(1)
    out.print(f"audit trail intact: {count} rows, chain and head verified")


@audit.command("export")
@db_option
@click.option("--output", "-o", type=click.File("wb"), default="-", help="File (default: stdout).")
@click.pass_context
def audit_export(ctx: click.Context, db: str | None, output: Any) -> None:
    """Write the audit trail as JSON lines, with each row's hashes."""
    import orjson

    from .store import audit as audit_store
    from .store.engine import make_engine

    settings = settings_from(ctx, db=db)
    engine = make_engine(settings.db_url, writer=False, pool_size=1)
    try:
        with engine.connect() as conn:
            for row in audit_store.every_row(conn):
                output.write(orjson.dumps(row) + b"\n")
    finally:
        engine.dispose()


@main.command("seed-demo")
@db_option
@click.option("--tickets", "n_tickets", default=600, show_default=True, help="Tickets to make.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same data).")
@click.pass_context
def seed_demo(ctx: click.Context, db: str | None, n_tickets: int, seed: int) -> None:
    """Fill the database with realistic multilingual demo data and the demo users."""
    from .demo.seed import seed_demo as run_seed

    settings = settings_from(ctx, db=db)
    summary = run_seed(settings.db_url, n_tickets=n_tickets, seed=seed, console=err)
    out.print(summary)


if __name__ == "__main__":
    main()
