"""Where the PIN pepper comes from: an adapter, read once by the composition root (``counter_app.app``).

The pepper is city-wide: staff hashes are published centrally and verified on every workstation, so IT
provisions the same secret on every counter PC (docs/security.md). In order:

1. ``COUNTER_PIN_PEPPER`` in the environment (services, CI);
2. the OS keyring, service ``counter-pin-pepper``, user ``city`` (Windows Credential Manager, macOS Keychain,
   Secret Service on Linux); a machine with no keyring backend simply has no pepper from it;
3. nothing: PINs can be neither set nor checked, with one message telling IT what to provision.

A demo store always uses the public demo pepper instead, whatever the machine has: its data is public, and the
embedded demo centre it syncs with publishes the demo staff hashed with that pepper. A real store never uses it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping

from counter_app.security.pins import DEMO_PEPPER, NoPepper, Pepper, pepper_from_text

PEPPER_ENV = "COUNTER_PIN_PEPPER"
KEYRING_SERVICE = "counter-pin-pepper"
KEYRING_USER = "city"

log = logging.getLogger(__name__)


def _from_keyring() -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception as exc:  # no backend, a locked keychain, a broken D-Bus: no pepper from the keyring
        log.info("No PIN pepper from the OS keyring: %s", type(exc).__name__)
        return None


def resolve_pepper(demo: bool, environ: Mapping[str, str] | None = None,
                   keyring_get: Callable[[], str | None] = _from_keyring) -> Pepper | NoPepper:
    """The pepper this workstation hashes and checks PINs with, or why there is none."""
    if demo:
        return DEMO_PEPPER
    env = os.environ if environ is None else environ
    text = env.get(PEPPER_ENV, "")
    if text.strip():
        return pepper_from_text(text, f"the environment ({PEPPER_ENV})")
    stored = keyring_get()
    if stored and stored.strip():
        return pepper_from_text(stored, f"the OS keyring ({KEYRING_SERVICE})")
    return NoPepper()
