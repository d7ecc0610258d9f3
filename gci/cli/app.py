"""The ``gci`` group: exit codes, error reporting, and every command module registered.

Exit codes: 0 success; 1 internal error (a bug in gci); 2 usage or validation error (bad
arguments or bad input files: the message lists every problem).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from .. import __version__
from ..errors import EXIT_INPUT, EXIT_INTERNAL, GCIError


class GciGroup(click.Group):
    """A group that turns gci's errors into exit code 2 and anything else into exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: D102
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except GCIError as exc:
            click.echo(f"gci: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        except BrokenPipeError:
            # the reader went away (e.g. `gci gaps KEN | head`): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            # the system refused a file operation (disk full, read-only, no permission, a file
            # where a folder should be, a name too long): the user's environment, not a bug
            from ..transaction import describe_os_error

            click.echo(f"gci: {describe_os_error(exc)}", err=True)
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("gci: interrupted; no output file was left half-written", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - last resort: report, never a bare traceback
            click.echo(f"gci: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in gci; please report it with the command you ran. "
                       "Set GCI_DEBUG=1 to see the traceback.", err=True)
            if os.environ.get("GCI_DEBUG"):
                traceback.print_exc()
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=GciGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gci")
def main() -> None:
    """Compute the Global Cybersecurity Index (and indices like it).

    Exit codes: 0 success, 1 internal error, 2 usage or validation error.
    """


def _register_commands() -> None:
    """Add the commands defined in other modules (each lists its commands in ``COMMANDS``)."""
    from . import analysis as cli_analysis
    from . import audit as cli_audit
    from . import memberstates as cli_memberstates
    from . import reports as cli_reports
    from . import run as cli_run
    from . import toolkit as cli_toolkit

    for module in (cli_run, cli_reports, cli_analysis, cli_toolkit, cli_memberstates, cli_audit):
        for command in module.COMMANDS:
            main.add_command(command)


_register_commands()
