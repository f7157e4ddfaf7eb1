"""Personal identifiers: found in what citizens type, swapped for opaque tokens before anything
reaches Rasa, the logs or an LLM prompt, and kept encrypted (AES-GCM) in the app's store.

A token looks like ``pii_rrn_k3j9x2m1q8zt``: a single word the NLU sees as a value, which the
actions (in-process) can resolve through :class:`Vault` to validate the real number.

Keys rotate: every row names the key it is encrypted with (``key_id``); the vault decrypts with
the current key or any previous one, and :meth:`Vault.reencrypt` moves rows to the current key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func

from forms.validators import (
    IDENTIFIER_KINDS,
    PASSPORT_IN_TEXT,
    Valid,
    mask_identifier,
    passport_no,
)
from server.store.db import Database
from server.store.models import PiiValue

if TYPE_CHECKING:
    from server.settings import Settings

# Not \\b: a token can sit right against Chinese or Thai letters (号码是pii_rrn_…).
TOKEN = re.compile(r"(?<![A-Za-z0-9_])pii_(rrn|frn|ppt|id)_[a-z0-9]{12}(?![A-Za-z0-9])")
# 13 digits shaped like a registration number (6 + 7, optional hyphen or space): digit 7 of
# 5–8 marks a foreigner's number.
_REGISTRATION = re.compile(r"(?<!\d)(\d{6})[ \t]*[-‐‑–—−－]?[ \t]*(\d)(\d{6})(?!\d)")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class UnknownKeyError(LookupError):
    """A row is encrypted with a key that is neither the current one nor a previous one."""

    def __init__(self, key_id: str) -> None:
        super().__init__(
            f"personal data encrypted with key {key_id}, which is neither the current key nor "
            "a previous one: list that key in MINWON_PII__PREVIOUS_KEYS or var/keys/pii.previous"
        )
        self.key_id = key_id


def key_id(key: bytes) -> str:
    """The public name of a key, stored with every row it encrypts."""
    return hashlib.sha256(key).hexdigest()[:12]


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def decode_key(text: str, source: str) -> bytes:
    """A base64 AES-256 key; errors name ``source``, never the key."""
    try:
        key = base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error:
        raise ValueError(f"{source}: the personal-data key is not base64") from None
    if len(key) != 32:
        raise ValueError(
            f"{source}: the personal-data key must be 32 bytes (base64 of 32 random bytes)"
        )
    return key


def write_private(path: Path, text: str) -> None:
    """Writes ``path`` atomically with mode 0600: a temporary file beside it, then a rename, so
    a crash leaves either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def load_key(key_b64: str, key_file: Path) -> bytes:
    """The AES-256 key: from settings, else from ``key_file``, created with mode 0600."""
    if key_b64:
        return decode_key(key_b64, "MINWON_PII__KEY")
    if key_file.exists():
        return decode_key(key_file.read_text(), str(key_file))
    key = AESGCM.generate_key(bit_length=256)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(encode_key(key))
    return key


def read_previous_keys(previous_file: Path) -> list[bytes]:
    """Keys that still decrypt, one base64 key a line (``#`` comments and blank lines allowed)."""
    if not previous_file.exists():
        return []
    keys = []
    for number, line in enumerate(previous_file.read_text().splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            keys.append(decode_key(line, f"{previous_file} line {number}"))
    return keys


@dataclass(frozen=True)
class Keyring:
    """The key new values are encrypted with, and the keys older rows may still need."""

    current: bytes
    previous: tuple[bytes, ...] = ()


def load_keyring(
    key_b64: str,
    key_file: Path,
    previous_b64: Sequence[str] = (),
    previous_file: Path | None = None,
) -> Keyring:
    """The current key (as :func:`load_key`) and the previous ones: those listed in settings
    and those in ``previous_file``."""
    current = load_key(key_b64, key_file)
    previous = [
        decode_key(item, f"MINWON_PII__PREVIOUS_KEYS item {number}")
        for number, item in enumerate(previous_b64, start=1)
    ]
    if previous_file is not None:
        previous += read_previous_keys(previous_file)
    unique = {key_id(key): key for key in previous if key != current}
    return Keyring(current, tuple(unique.values()))


def settings_keyring(settings: Settings) -> Keyring:
    """The keys the settings name: ``MINWON_PII__KEY`` or the key file, plus
    ``MINWON_PII__PREVIOUS_KEYS`` and the previous-keys file beside the key file."""
    return load_keyring(
        settings.pii.key,
        settings.pii_key_file,
        settings.pii.previous_keys,
        settings.pii_previous_keys_file,
    )


def rotate_key_file(key_file: Path, previous_file: Path) -> tuple[bytes, bytes]:
    """A new key in ``key_file``; the current one appended to ``previous_file``. Returns
    (old, new). The previous file is written first: a crash in between leaves the old key both
    current and previous, which is harmless, and never a row whose key is nowhere."""
    if not key_file.exists():
        raise FileNotFoundError(f"no key file at {key_file}: there is no key to rotate yet")
    old = decode_key(key_file.read_text(), str(key_file))
    lines = [encode_key(key) for key in read_previous_keys(previous_file)]
    if encode_key(old) not in lines:
        lines.append(encode_key(old))
    write_private(previous_file, "\n".join(lines) + "\n")
    new = AESGCM.generate_key(bit_length=256)
    write_private(key_file, encode_key(new) + "\n")
    return old, new


@dataclass(frozen=True)
class _Cipher:
    aead: AESGCM
    index_key: bytes


@dataclass(frozen=True)
class _Keys:
    current: str
    ciphers: dict[str, _Cipher]

    @classmethod
    def of(cls, keyring: Keyring) -> _Keys:
        ciphers: dict[str, _Cipher] = {}
        for key in (keyring.current, *keyring.previous):
            ciphers.setdefault(
                key_id(key),
                _Cipher(AESGCM(key), hashlib.sha256(b"minwon-blind-index" + key).digest()),
            )
        return cls(key_id(keyring.current), ciphers)


class Vault:
    """Tokens in, encrypted values stored; reveal only through this object.

    ``previous`` keys only decrypt. ``reload`` gives the keys anew (from the key files) when a
    row names a key this vault does not know, e.g. after ``minwon pii rotate-key`` ran while
    the app was up: the app then takes the new key and goes on."""

    def __init__(
        self,
        db: Database,
        key: bytes,
        previous: Iterable[bytes] = (),
        *,
        reload: Callable[[], Keyring] | None = None,
    ) -> None:
        self._db = db
        self._reload = reload
        self._keys = _Keys.of(Keyring(key, tuple(previous)))

    @property
    def key_id(self) -> str:
        """The id of the key new values are encrypted with."""
        return self._keys.current

    @property
    def previous_key_ids(self) -> list[str]:
        """Ids of the keys this vault only decrypts with."""
        return [k for k in self._keys.ciphers if k != self._keys.current]

    def _cipher(self, row_key_id: str) -> _Cipher:
        keys = self._keys
        if row_key_id not in keys.ciphers and self._reload is not None:
            keys = self._keys = _Keys.of(self._reload())
        if row_key_id not in keys.ciphers:
            raise UnknownKeyError(row_key_id)
        return keys.ciphers[row_key_id]

    @staticmethod
    def _blind_index(cipher: _Cipher, conversation_id: str, value: str) -> str:
        return hmac.new(
            cipher.index_key, f"{conversation_id}\x00{value}".encode(), hashlib.sha256
        ).hexdigest()

    @staticmethod
    def _encrypt(cipher: _Cipher, token: str, value: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + cipher.aead.encrypt(nonce, value.encode(), token.encode())

    def _decrypt(self, row: PiiValue) -> str:
        nonce, body = row.ciphertext[:12], row.ciphertext[12:]
        return self._cipher(row.key_id).aead.decrypt(nonce, body, row.token.encode()).decode()

    def tokenize(self, conversation_id: str, kind: str, value: str) -> str:
        """``kind`` is a token kind (rrn, frn, ppt, id) or an identifier field type."""
        kind = IDENTIFIER_KINDS.get(kind, kind)
        if kind not in ("rrn", "frn", "ppt", "id"):
            raise ValueError(f"unknown identifier kind {kind!r}")
        keys = self._keys
        current = keys.ciphers[keys.current]
        index = self._blind_index(current, conversation_id, value)
        # In the middle of a rotation the number may still be indexed under an older key: it
        # keeps its token all the same.
        indexes = [index] + [
            self._blind_index(cipher, conversation_id, value)
            for cipher_id, cipher in keys.ciphers.items()
            if cipher_id != keys.current
        ]
        with self._db.session() as session:
            existing = (
                session.query(PiiValue)
                .filter(
                    PiiValue.blind_index.in_(indexes), PiiValue.conversation_id == conversation_id
                )
                .first()
            )
            if existing:
                return existing.token
            token = f"pii_{kind}_" + "".join(secrets.choice(_ALPHABET) for _ in range(12))
            session.add(
                PiiValue(
                    token=token,
                    conversation_id=conversation_id,
                    kind=kind,
                    blind_index=index,
                    key_id=keys.current,
                    ciphertext=self._encrypt(current, token, value),
                )
            )
            return token

    def reveal(self, token: str) -> str | None:
        with self._db.session() as session:
            row = session.get(PiiValue, token)
            if row is None:
                return None
            return self._decrypt(row)

    def masked(self, token: str) -> str:
        value = self.reveal(token)
        kind = token.split("_")[1]
        return mask_identifier(kind, value) if value else "********"

    def scrub(self, conversation_id: str, text: str, *, whole: bool = False) -> str:
        """Replaces identifiers in ``text`` with tokens: registration numbers and passport
        numbers anywhere. With ``whole`` (the citizen is answering an identifier question) any
        long digit run is taken too."""

        def registration(match: re.Match[str]) -> str:
            front, digit, rest = match.groups()
            kind = "frn" if digit in "5678" else "rrn"
            return self.tokenize(conversation_id, kind, f"{front}-{digit}{rest}")

        def passport(match: re.Match[str]) -> str:
            result = passport_no(match.group())
            if not isinstance(result, Valid):
                return match.group()
            return self.tokenize(conversation_id, "ppt", result.value)

        scrubbed = PASSPORT_IN_TEXT.sub(passport, _REGISTRATION.sub(registration, text))
        if whole and scrubbed == text and sum(c.isdigit() for c in text) >= 6:
            # A mistyped number is still somebody's number: the whole answer goes in the vault.
            return self.tokenize(conversation_id, "id", text.strip())
        return scrubbed

    def reveal_text(self, text: str) -> str:
        return TOKEN.sub(lambda m: self.reveal(m.group()) or m.group(), text)

    def mask_tokens(self, text: str) -> str:
        """Replaces tokens in outgoing text with the masked value (``900101-1******``)."""
        return TOKEN.sub(lambda m: self.masked(m.group()), text)

    # --- key rotation ----------------------------------------------------------------------

    def key_usage(self) -> dict[str, int]:
        """How many rows each key encrypts, by key id."""
        with self._db.session() as session:
            counts = session.query(PiiValue.key_id, func.count()).group_by(PiiValue.key_id).all()
        return {row_key_id: count for row_key_id, count in counts}

    def unknown_keys(self) -> list[str]:
        """Ids of keys some rows need but this vault does not have."""
        return sorted(k for k in self.key_usage() if k not in self._keys.ciphers)

    def reencrypt(
        self, batch_size: int = 500, after_batch: Callable[[int], None] | None = None
    ) -> int:
        """Moves every row not under the current key to it: decrypted with its own key, then a
        new nonce, the current key id and the blind index under the current key. One
        transaction a batch, so an interruption leaves whole rows under either key (both still
        decrypt) and running again finishes the job. Returns how many rows moved;
        ``after_batch`` hears the running total."""
        keys = self._keys
        current = keys.ciphers[keys.current]
        moved, last = 0, ""
        while True:
            with self._db.session() as session:
                rows = (  # along the primary key: one pass over the table in all
                    session.query(PiiValue)
                    .filter(PiiValue.token > last, PiiValue.key_id != keys.current)
                    .order_by(PiiValue.token)
                    .limit(batch_size)
                    .with_for_update()
                    .all()
                )
                for row in rows:
                    try:
                        value = self._decrypt(row)
                    except InvalidTag:
                        raise ValueError(
                            f"{row.token} does not decrypt with key {row.key_id}: "
                            "its ciphertext was altered"
                        ) from None
                    row.ciphertext = self._encrypt(current, row.token, value)
                    row.blind_index = self._blind_index(current, row.conversation_id, value)
                    row.key_id = keys.current
            if not rows:
                return moved
            moved, last = moved + len(rows), rows[-1].token
            if after_batch is not None:
                after_batch(moved)
