"""CLI commands `ipplans server start|stop|status`: the local Prefect server (flows/server.py).

Thin calls of `ipplans.server_start`, `server_stop` and `server_status` (flows/server.py); Prefect
is never imported here (the server runs in its own process).
"""

from __future__ import annotations

from typing import Annotated

import typer

from flows.commands.options import data_console, fail

PortOption = Annotated[int | None, typer.Option(
    "--port", help="Port on 127.0.0.1 (default: $IPPLANS_SERVER_PORT or 4200)")]

server_app = typer.Typer(help="The local Prefect server every command uses (UI, run history, artifacts).",
                         no_args_is_help=True, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    app.add_typer(server_app, name="server")


@server_app.command("start")
def start(port: PortOption = None) -> None:
    """Start Prefect's server in the background (its database under $PREFECT_HOME) and wait until it answers.

    Example: ipplans server start --port 4200
    """
    from flows.server import ServerError
    from flows.api import server_start, server_status

    if server_status(port).healthy:
        data_console().print(f"already running: {server_status(port).describe()}")
        return
    data_console().print("starting the Prefect server …")
    try:
        status = server_start(port)
    except ServerError as exc:
        fail(str(exc))
    data_console().print(status.describe())  # one print per line: the console shows a "\n" in data escaped
    data_console().print(f"UI: {status.ui_url}   stop it with `ipplans server stop`")


@server_app.command("stop")
def stop() -> None:
    """Stop the server `ipplans server start` (or a command) started; any other server is left alone.

    Example: ipplans server stop
    """
    from flows.api import server_stop

    stopped = server_stop()
    if stopped is None:
        data_console().print("no Prefect server started by ipplans is running")
    else:
        data_console().print(f"stopped the Prefect server at {stopped.ui_url} (pid {stopped.pid})")


@server_app.command("status")
def status(port: PortOption = None) -> None:
    """The UI address and whether the server answers; exit code 1 when it does not.

    Example: ipplans server status
    """
    from flows.api import server_status

    found = server_status(port)
    data_console().print(found.describe())
    if not found.healthy:
        raise typer.Exit(1)
