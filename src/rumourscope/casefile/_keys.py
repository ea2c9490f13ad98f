"""Keyed pseudonyms: user IDs and display names replaced by HMAC-SHA-256 digests.

The same key always gives the same pseudonym, so a re-run of a case gives the same tables; a
different key gives unrelated pseudonyms, so two cases cannot be linked through them. The key is
kept in a file outside the case folder and outside every output (see ``docs/case-format.md``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

from ..errors import CaseDataError, ParameterError, Problem

__all__ = ["DEMO_KEY", "Pseudonymiser", "default_key_dir", "read_or_create_key"]

DEMO_KEY = b"rumourscope fictional demo case: this key is public and protects nothing"
"""The fixed key of the bundled demo case. It is public on purpose: the demo people are invented."""

_KEY_BYTES = 32
_DIGITS = 12  # 48 bits: a collision among a million users has odds of about 1 in 500,000


class Pseudonymiser:
    """Turns identifiers into stable keyed pseudonyms such as ``u_3fa2c19e0b7d``.

    The key itself is never shown: ``repr`` and :attr:`fingerprint` reveal only a short hash of
    it, enough to tell which key made a table.

    Examples
    --------
    >>> p = Pseudonymiser(b"an example key, 16 bytes or more")
    >>> p.user("wxid_abc") == p.user("wxid_abc")
    True
    >>> p.user("wxid_abc") == Pseudonymiser(b"another key of 16 bytes or more").user("wxid_abc")
    False
    >>> p.user("wxid_abc")[:2], len(p.user("wxid_abc"))
    ('u_', 14)
    """

    __slots__ = ("_key",)

    def __init__(self, key: bytes):
        if not isinstance(key, bytes) or len(key) < 16:
            raise ParameterError("a pseudonym key must be bytes, at least 16 of them")
        self._key = key

    def _digest(self, kind: str, value: str) -> str:
        # The kind prefix keeps a user ID and an identical display name from sharing a pseudonym.
        return hmac.digest(self._key, f"{kind}\x00{value}".encode(), "sha256").hex()[:_DIGITS]

    def user(self, user_id: str) -> str:
        """Pseudonym of a user ID."""
        return "u_" + self._digest("user", str(user_id))

    def name(self, display_name: str) -> str:
        """Pseudonym of a display name (equal names get equal pseudonyms)."""
        return "n_" + self._digest("name", str(display_name))

    def sighting(self, group: str, display_name: str) -> str:
        """Pseudonym of the person seen as ``display_name`` in ``group`` when nobody has said
        who they are (a user pseudonym ``u_...``, but never equal to one made by :meth:`user`).
        """
        return "u_" + self._digest("sighting", f"{group}\x00{display_name}")

    @property
    def fingerprint(self) -> str:
        """First 8 hex digits of the SHA-256 of the key: names the key without revealing it."""
        return hashlib.sha256(self._key).hexdigest()[:8]

    def __repr__(self) -> str:
        return f"Pseudonymiser(key fingerprint {self.fingerprint})"

    def __reduce__(self):
        raise TypeError("a Pseudonymiser holds a secret key and is not pickled")


def default_key_dir() -> Path:
    """Where per-case keys live unless ``key_file=`` says otherwise.

    ``$RUMOURSCOPE_DATA_DIR/keys`` when that variable is set; otherwise the user's data folder:
    ``%LOCALAPPDATA%\\rumourscope\\keys`` on Windows, ``~/Library/Application Support/
    rumourscope/keys`` on macOS, ``$XDG_DATA_HOME/rumourscope/keys`` (default
    ``~/.local/share/rumourscope/keys``) elsewhere.
    """
    override = os.environ.get("RUMOURSCOPE_DATA_DIR")
    if override:
        return Path(override).expanduser() / "keys"
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "rumourscope" / "keys"


def read_or_create_key(path: Path, *, forbidden: Path) -> bytes:
    """Read a key file (64 hex digits), or create one readable by its owner only.

    Refuses to create a key inside ``forbidden`` (the case folder, which is never written to).
    """
    path = Path(path).expanduser()
    if path.is_file():
        try:
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except OSError as exc:
            raise CaseDataError([Problem(str(path), f"the key file cannot be read: "
                                         f"{exc.strerror or exc}")]) from None
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) < 16:
            raise CaseDataError([Problem(str(path), "a key file must hold at least 32 hex digits "
                                         "(e.g. one made by rumourscope on first load)")])
        return key
    target = path.resolve()
    if target.is_relative_to(forbidden.resolve()):
        raise CaseDataError([Problem(str(path), "the key file does not exist, and rumourscope "
                                     "never writes into the case folder; put the key elsewhere")])
    key = secrets.token_bytes(_KEY_BYTES)
    # O_EXCL: if two loads race, one creates the key and the other reads it below.
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return read_or_create_key(path, forbidden=forbidden)
    except OSError as exc:
        raise CaseDataError([Problem(str(path), f"cannot create the pseudonym key file ({exc}); "
                                     "give a writable location with key_file= or --key-file")]
                            ) from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key
