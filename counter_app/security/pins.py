"""PINs are stored as argon2id hashes (OWASP minimum: 19 MiB, 2 passes, 1 lane) of the PIN *peppered* with a
secret kept outside the database, never in clear.

Why a pepper: a 4- to 6-digit PIN has at most a million values, so its argon2id hash alone is cracked offline in
minutes (every 4-digit PIN in 236 s on one core). The store file and the central staff table both hold these
hashes; with the pepper mixed in (``HMAC-SHA256(pepper, pin)`` is what argon2id hashes) a copied file or table is
not enough: the pepper lives in the OS keyring or the environment of each workstation (docs/security.md).

A peppered hash reads ``pepper1$<key id>$<argon2id hash>``: the key id (a hash of the pepper, not the pepper)
tells a hash made with another pepper from a wrong PIN. A bare ``$argon2id$...`` hash is a legacy one made
before peppering: it still verifies, and :func:`needs_rehash` says to replace it after the next good PIN.

The hashing takes the pepper as a parameter; reading it from the keyring or the environment is an adapter
(:mod:`counter_app.security.pepper_source`), resolved once in the composition root.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from counter_app.errors import UserError

TIME_COST = 2
MEMORY_KIB = 19 * 1024
PARALLELISM = 1
PEPPERED_PREFIX = "pepper1$"
#: A pepper IT provisions is at least this long (e.g. ``secrets.token_urlsafe(32)`` gives 43 characters).
MIN_PEPPER_CHARS = 32

NO_PEPPER_MESSAGE = (
    "PINs cannot be checked on this workstation: the city's PIN pepper is not provisioned. IT: store it in the "
    "OS keyring (service counter-pin-pepper, user city) or set COUNTER_PIN_PEPPER; see docs/security.md."
)


class PepperMissingError(UserError):
    """No usable pepper: PINs can be neither set nor checked (the store still opens for reading)."""


@dataclass(frozen=True, slots=True)
class Pepper:
    """The city-wide secret mixed into every PIN hash. ``source`` says where it came from (never the secret)."""

    secret: bytes = field(repr=False)
    source: str

    @property
    def key_id(self) -> str:
        """Names the pepper in each hash without revealing it."""
        return hashlib.sha256(b"counter-pin-pepper-key-id\0" + self.secret).hexdigest()[:12]

    def mix(self, pin: str) -> str:
        return hmac.new(self.secret, pin.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class NoPepper:
    """Why there is no pepper, to tell IT what to provision."""

    reason: str = NO_PEPPER_MESSAGE


#: Demo stores only: the demo data (staff, PINs) is public, and so is this pepper.
DEMO_PEPPER = Pepper(b"counter-demo-pepper: public, for demo stores and the embedded demo centre only", "demo")


def pepper_from_text(text: str, source: str) -> Pepper | NoPepper:
    value = text.strip()
    if len(value) < MIN_PEPPER_CHARS:
        return NoPepper(f"The PIN pepper from {source} is too short (at least {MIN_PEPPER_CHARS} characters): "
                        "IT must provision the city's pepper; see docs/security.md.")
    return Pepper(value.encode("utf-8"), source)


def require_pepper(pepper: Pepper | NoPepper | None) -> Pepper:
    if isinstance(pepper, Pepper):
        return pepper
    raise PepperMissingError(pepper.reason if isinstance(pepper, NoPepper) else NO_PEPPER_MESSAGE, "pin")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)


def hash_pin(pin: str, pepper: Pepper | NoPepper | None) -> str:
    """The stored form of ``pin``; refuses (PepperMissingError) without a pepper rather than store a crackable hash."""
    key = require_pepper(pepper)
    return f"{PEPPERED_PREFIX}{key.key_id}${_hasher().hash(key.mix(pin))}"


def key_id_of(pin_hash: str) -> str | None:
    """The key id a hash was made with; None for a legacy (un-peppered) hash."""
    if pin_hash.startswith(PEPPERED_PREFIX):
        return pin_hash[len(PEPPERED_PREFIX):].split("$", 1)[0]
    return None


def verify_pin(pin_hash: str, pin: str, pepper: Pepper | NoPepper | None) -> bool:
    """Constant work whether the PIN is right or wrong; a malformed hash, or one made with another pepper,
    counts as a mismatch (:func:`key_id_of` tells the two apart for a clearer message)."""
    key = require_pepper(pepper)
    if pin_hash.startswith(PEPPERED_PREFIX):
        made_with, _, inner = pin_hash[len(PEPPERED_PREFIX):].partition("$")
        if made_with != key.key_id:
            _check(DUMMY_HASH, key.mix(pin))  # the same work, so timing tells nothing
            return False
        return _check(inner, key.mix(pin))
    return _check(pin_hash, pin)  # legacy: made before peppering


def needs_rehash(pin_hash: str, pepper: Pepper | NoPepper | None) -> bool:
    """True for a legacy hash (or old argon2 settings): replace it after the next good PIN."""
    if not isinstance(pepper, Pepper):
        return False
    if not pin_hash.startswith(PEPPERED_PREFIX):
        return True
    inner = pin_hash[len(PEPPERED_PREFIX):].partition("$")[2]
    try:
        return _hasher().check_needs_rehash(inner)
    except (InvalidHashError, ValueError):
        return True


def _check(argon_hash: str, secret: str) -> bool:
    try:
        return _hasher().verify(argon_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


#: Verified against when the staff number is unknown, so timing does not reveal which numbers exist.
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$htATxHukYkFHg+T3icofiw$XskwBhJUeeSL+Jwd7HNEhpxbhXwNMU9dZYXcRstOOsk"
