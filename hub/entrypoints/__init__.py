"""Entrypoints: the typer CLI, the stream worker and the web services."""
