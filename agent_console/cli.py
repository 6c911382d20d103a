"""`agent-console`: the keyboard-driven console.

The Textual console is the next piece of work (docs/status.md). Until it lands this command
says so plainly instead of pretending, and points at what works today.
"""

from __future__ import annotations

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--server", metavar="URL", help="Ticket server URL (default http://127.0.0.1:8080).")
@click.option("--config", type=click.Path(dir_okay=False), help="Config file (TOML).")
def main(server: str | None, config: str | None) -> None:
    """Open the agent console (not built yet: see docs/status.md)."""
    raise click.ClickException(
        "the Textual console is not built yet. Today: `make demo` runs the ticket server with "
        "demo data; its REST API is described at /docs and /openapi.json."
    )
