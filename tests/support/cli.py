"""Running ``counter-app`` in the test process, as an operator would, away from the operator's own environment."""

from __future__ import annotations

import contextlib
import io

import pytest

from counter_app.cli import main

#: Settings an operator may have in their shell: none of them may leak into a test.
OUTSIDE_SETTINGS = ("COUNTER_DATA_DIR", "COUNTER_WORKSTATION", "COUNTER_T0", "COUNTER_CENTRAL_URL", "COUNTER_PIN")


def forget_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OUTSIDE_SETTINGS:
        monkeypatch.setenv(name, "")  # recorded, so whatever ``main`` sets is undone after the test
        monkeypatch.delenv(name)


def run(*argv: str) -> tuple[int, str, str]:
    """``main`` in-process, with stdout and stderr captured (usable from module-scoped fixtures too)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()
