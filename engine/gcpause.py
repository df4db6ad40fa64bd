"""Pause Python's cyclic garbage collector while a large input is read and kept.

Reading a year of records or a 200 000-row inventory allocates millions of
small objects that all stay alive: each full collection would walk them all
again for nothing (quadratic time in the input size). Reference counting
still frees everything as usual. On exit the objects alive are frozen
(``gc.freeze``: moved out of the collector's generations, as the input is kept
to the end of the run) and the collector resumes for what comes next.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
