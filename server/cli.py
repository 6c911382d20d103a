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
        create_app(settings, settle_heap=True),
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


def _open_db(settings: Settings) -> Any:
    """A started Database on the migrated schema, with the audit key (close it after)."""
    from .store.database import Database
    from .store.engine import make_engine
    from .store.migrate import upgrade

    engine = make_engine(settings.db_url, pool_size=1)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    db = Database(settings.db_url, audit_key=settings.audit_key())
    db.start()
    return db


def _cli_actor() -> Any:
    import getpass

    from .services import Actor

    try:
        who = getpass.getuser()
    except Exception:  # no login name (a container without passwd entry)
        who = "unknown"
    return Actor(0, f"cli:{who}"[:64], "Command line", "admin", ip="local")


class _Bar:
    """A rich progress bar on stderr, shown only when the work is long."""

    def __init__(self, label: str, min_total: int) -> None:
        from rich.progress import Progress

        self.label, self.min_total = label, min_total
        self.progress = Progress(console=err, transient=True)
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_total:
            return
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total)
        self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


@main.group()
def privacy() -> None:
    """Players' privacy rights: export everything held on a player."""


@privacy.command("export")
@click.argument("external_id")
@click.option(
    "--out", "-o", "output", type=click.File("wb"), default="-", help="File (default: stdout)."
)
@db_option
@click.pass_context
def privacy_export(ctx: click.Context, external_id: str, output: Any, db: str | None) -> None:
    """Write everything held on player EXTERNAL_ID as one JSON document (audited)."""
    from datetime import UTC, datetime

    import orjson

    from .domain.errors import NotFound
    from .services.privacy import export_player, record_export

    settings = settings_from(ctx, db=db)
    actor = _cli_actor()
    db = _open_db(settings)
    bar = _Bar(f"exporting {external_id}", min_total=50)
    try:
        document = db.read_sync(
            lambda conn: export_player(
                conn, external_id, now=datetime.now(UTC), by=actor.username, progress=bar
            )
        )
        db.write_sync(lambda c: record_export(c, actor, document))
    except NotFound as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        bar.close()
        db.close()
    output.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    n = len(document["tickets"])
    err.print(f"player '{external_id}': {n} tickets, {len(document['audit'])} audit rows exported")


@main.group()
def retention() -> None:
    """The retention policy: anonymise closed tickets older than retention_days."""


@retention.command("run")
@click.option("--days", type=int, help="Override retention_days for this run.")
@click.option("--dry-run", is_flag=True, help="Only count what would be anonymised.")
@db_option
@click.pass_context
def retention_run(ctx: click.Context, days: int | None, dry_run: bool, db: str | None) -> None:
    """Anonymise closed tickets last changed more than retention_days ago (and players left
    without a live ticket). The audit trail stays whole; `audit verify` still passes."""
    from .blobs import BlobStore
    from .services.retention import run_retention

    settings = settings_from(ctx, db=db)
    days = settings.retention_days if days is None else days
    if days <= 0:
        raise click.UsageError(
            "retention is off: set retention_days in the config (or AGENT_CONSOLE_RETENTION_DAYS)"
            ", or pass --days N"
        )
    database = _open_db(settings)
    bar = _Bar("anonymising", min_total=1)
    try:
        report = run_retention(
            database, BlobStore(settings.blob_dir), days, dry_run=dry_run, progress=bar
        )
    finally:
        bar.close()
        database.close()
    out.print(report.summary(), soft_wrap=True)


@main.group()
def integration() -> None:
    """API keys of channel integrations (POST /api/v1/intake/messages)."""


@integration.command("create")
@click.argument("name")
@db_option
@click.pass_context
def integration_create(ctx: click.Context, name: str, db: str | None) -> None:
    """Make integration NAME and print its API key (once: only its hash is stored).
    On an existing NAME, a new key replaces the old one (which stops working)."""
    from .intake.keys import create_integration

    settings = settings_from(ctx, db=db)
    try:
        key, created = create_integration(settings.db_url, name, audit_key=settings.audit_key())
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    out.print(f"integration '{name}' {'created' if created else 'given a new key'}")
    out.print(f"API key (send as 'X-API-Key'; shown only now): {key}", soft_wrap=True)


@integration.command("revoke")
@click.argument("name")
@db_option
@click.pass_context
def integration_revoke(ctx: click.Context, name: str, db: str | None) -> None:
    """Revoke integration NAME's API key (`create NAME` gives it a new one)."""
    from .intake.keys import revoke_integration

    settings = settings_from(ctx, db=db)
    if not revoke_integration(settings.db_url, name, audit_key=settings.audit_key()):
        raise click.UsageError(f"integration '{name}' does not exist")
    out.print(f"integration '{name}' revoked: its key no longer works")


@integration.command("list")
@db_option
@click.pass_context
def integration_list(ctx: click.Context, db: str | None) -> None:
    """Every integration with its key prefix, creation time and state."""
    from .intake.keys import list_integrations

    settings = settings_from(ctx, db=db)
    rows = list_integrations(settings.db_url)
    if not rows:
        out.print("no integrations; make one with `integration create NAME`")
    for row in rows:
        state = "revoked" if row["revoked_at"] is not None else "active"
        out.print(f"{row['name']:<24} {row['key_prefix']}…  {state:<8} created {row['created_at']}")


@main.group()
def kb() -> None:
    """The knowledge base."""


@kb.command("seed")
@db_option
@click.pass_context
def kb_seed(ctx: click.Context, db: str | None) -> None:
    """Add the starter FAQ articles (5 topics × 11 languages) that are missing."""
    from .kb.service import seed_articles
    from .store.database import Database
    from .store.engine import make_engine
    from .store.migrate import upgrade

    settings = settings_from(ctx, db=db)
    engine = make_engine(settings.db_url, pool_size=1)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    database = Database(settings.db_url, audit_key=settings.audit_key())
    database.start()
    try:
        added, kept = database.write_sync(seed_articles)
    finally:
        database.close()
    out.print(f"knowledge base: {added} articles added, {kept} already there")


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
