"""The shipped DejaVu fonts, registered with ReportLab once per process.

The base-14 PDF fonts cannot print every resident's name or the dash in a fee's name, and a printer's own
fonts differ per counter; embedding our TrueType files makes every receipt look the same everywhere.
"""

from __future__ import annotations

import functools
import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from counter_app.resources import resource_path

SANS = "CounterSans"
SANS_BOLD = "CounterSans-Bold"
MONO = "CounterMono"

#: Registered name -> file in resources/fonts.
FONT_FILES: dict[str, str] = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
}

_SUBSET_CACHE_SIZE = 32
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the fonts on first use; later calls return at once (printing runs in worker threads)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in FONT_FILES.items():
            font = TTFont(name, str(resource_path("fonts", filename)))
            _cache_subsets(font)
            pdfmetrics.registerFont(font)
        # So <b> in any paragraph maps CounterSans to its bold face.
        addMapping(SANS, 0, 0, SANS)
        addMapping(SANS, 1, 0, SANS_BOLD)
        addMapping(SANS, 0, 1, SANS)
        addMapping(SANS, 1, 1, SANS_BOLD)
        _registered = True


def _cache_subsets(font: TTFont) -> None:
    """Build each embedded subset once per process, not once per document.

    ReportLab rebuilds the subset font program for every PDF. A receipt's first subset is fixed (ASCII in
    place), so nearly every receipt embeds the same bytes: caching them takes about a millisecond per font
    off each render. The cache is small and bounded because unusual characters make new subsets.
    """
    build = font.face.makeSubset

    @functools.lru_cache(maxsize=_SUBSET_CACHE_SIZE)  # thread-safe: receipts print from worker threads
    def cached(subset: tuple[int, ...]) -> bytes:
        return build(list(subset))

    def make_subset(subset: list[int]) -> bytes:
        return cached(tuple(subset))

    font.face.makeSubset = make_subset
