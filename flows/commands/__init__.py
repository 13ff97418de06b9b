"""Command groups added to the `ipplans` CLI, one module per area of the product."""

from __future__ import annotations

import importlib

COMMAND_MODULES = ("analysis", "departments", "export", "matching", "quality", "reports", "scheduling", "server",
                   "remove")


def register_all(app) -> None:
    """Add the commands of every area that is installed (each module has `register(app)`)."""
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"flows.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"flows.commands.{name}":
                raise
            continue
        module.register(app)
