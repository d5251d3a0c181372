"""Password hashing: Argon2id through pwdlib, with its recommended parameters.

`verify` also says when a stored hash was made with other parameters (or another algorithm),
so the caller can store the new hash: hashes upgrade themselves as people sign in.
"""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError

MIN_PASSWORD_LENGTH = 12

hasher = PasswordHash.recommended()
# Verified against when the address is unknown, so that answering takes as long as for a
# known address with a wrong password (no way to probe which addresses exist).
_DUMMY_HASH = hasher.hash("not a password anyone uses")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """(matches, new hash to store or None). An unknown or missing hash never matches."""
    if stored_hash is None:
        hasher.verify(password, _DUMMY_HASH)
        return False, None
    try:
        return hasher.verify_and_update(password, stored_hash)
    except UnknownHashError:
        return False, None
