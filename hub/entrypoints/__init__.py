"""Entrypoints: the typer CLI, the Faust worker and the web services."""
