"""``python -m viewer bench``: start-up, frame time, selection, pain finder, search and memory,
measured the same way every time and compared with bare VTK rendering the same meshes.

Each GUI measurement runs in a fresh process (a *probe*, see :mod:`.probe_app` and
:mod:`.probe_bare`) that prints one ``BENCH {json}`` line; this module starts the probes,
takes medians and prints a table or JSON. Without a display on Linux it starts its own Xvfb.
"""

from viewer.bench.run import main

__all__ = ["main"]
