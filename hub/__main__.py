"""``python -m hub``: the same as the ``hub`` command."""

from hub.entrypoints.cli import main

main()
