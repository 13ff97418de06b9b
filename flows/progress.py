"""How a flow tells its caller how far it has got: a `Progress` passed in, never a global.

Every flow takes `progress=` and announces its steps on it (`start("load", 3)`, then
`advance("load")` per source); the functions that run flows for a command also `note` one-line
messages on it (where the inputs came from, a local Prefect server being started). The default
(None) is `SILENT`: steps are ignored and notes go to the `ipplans` logger. The CLI passes one
that draws a rich bar per step and prints the notes (flows/commands/summaries.py). A Progress is
not sent to the Prefect API: it has no fields to serialise, so Prefect records the parameter as a
placeholder.
"""

from __future__ import annotations

import logging


class Progress:
    """Hears a flow's steps; this one ignores them and logs the notes."""

    __slots__ = ()  # no __dict__: Prefect's parameter encoder gives up at once and stores a placeholder

    def start(self, step: str, total: int) -> None:
        pass

    def advance(self, step: str, amount: int = 1) -> None:
        pass

    def note(self, line: str) -> None:
        logging.getLogger("ipplans").info("%s", line)


SILENT = Progress()
