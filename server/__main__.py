"""`python -m server` runs the server's command line, like `agent-console-server`."""

from .cli import main

main()
