"""The Agent Console client: the Textual console and its API client."""
