"""Pausing Python's cyclic garbage collector while long-lived structures are built.

Loading and compiling a knowledge base makes millions of objects that live as long
as the engine. The cyclic collector, triggered by allocation counts, would scan them
over and over while they are being made (a quarter of compile time, three quarters of
unpickling a snapshot) and find nothing to free.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, restoring whatever state it was in."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
