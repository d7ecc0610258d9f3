"""``python -m gci`` runs the command line."""

from .cli import main

main()
