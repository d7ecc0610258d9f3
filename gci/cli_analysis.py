"""Commands of the `gci` command line for analysis (registered by gci.cli)."""

from __future__ import annotations

import click

#: Commands this module adds to `gci`.
COMMANDS: list[click.Command] = []
