"""`python -m agent_console` runs the console, like the `agent-console` command."""

from .cli import main

main()
