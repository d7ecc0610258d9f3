"""``python -m gci`` runs the command line."""

from .cli.app import main

main()
