"""PINs are stored as argon2id hashes (OWASP minimum: 19 MiB, 2 passes, 1 lane), never in clear."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TIME_COST = 2
MEMORY_KIB = 19 * 1024
PARALLELISM = 1


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM)


def hash_pin(pin: str) -> str:
    return _hasher().hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """Constant work whether the PIN is right or wrong; a malformed hash counts as a mismatch."""
    try:
        return _hasher().verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


#: Verified against when the staff number is unknown, so timing does not reveal which numbers exist.
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$htATxHukYkFHg+T3icofiw$XskwBhJUeeSL+Jwd7HNEhpxbhXwNMU9dZYXcRstOOsk"
