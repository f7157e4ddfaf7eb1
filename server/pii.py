"""Personal identifiers: found in what citizens type, swapped for opaque tokens before anything
reaches Rasa, the logs or an LLM prompt, and kept encrypted (AES-GCM) in the app's store.

A token looks like ``pii_rrn_k3j9x2m1q8zt``: a single word the NLU sees as a value, which the
actions (in-process) can resolve through :class:`Vault` to validate the real number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from forms.validators import IDENTIFIER_KINDS, mask_identifier
from server.store.db import Database
from server.store.models import PiiValue

# Not \\b: a token can sit right against Chinese or Thai letters (号码是pii_rrn_…).
TOKEN = re.compile(r"(?<![A-Za-z0-9_])pii_(rrn|frn|ppt|id)_[a-z0-9]{12}(?![A-Za-z0-9])")
# 13 digits shaped like a registration number (6 + 7, optional hyphen or space): digit 7 of
# 5–8 marks a foreigner's number.
_REGISTRATION = re.compile(r"(?<!\d)(\d{6})[ \t]*[-‐‑–—−－]?[ \t]*(\d)(\d{6})(?!\d)")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def load_key(key_b64: str, key_file: Path) -> bytes:
    """The AES-256 key: from settings, else from ``key_file``, created with mode 0600."""
    if key_b64:
        key = base64.b64decode(key_b64)
    elif key_file.exists():
        key = base64.b64decode(key_file.read_text().strip())
    else:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = AESGCM.generate_key(bit_length=256)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(key).decode())
    if len(key) != 32:
        raise ValueError("the personal-data key must be 32 bytes (base64 of 32 random bytes)")
    return key


class Vault:
    """Tokens in, encrypted values stored; reveal only through this object."""

    def __init__(self, db: Database, key: bytes) -> None:
        self._db = db
        self._aead = AESGCM(key)
        self._index_key = hashlib.sha256(b"minwon-blind-index" + key).digest()
        self.key_id = hashlib.sha256(key).hexdigest()[:12]

    def _blind_index(self, conversation_id: str, value: str) -> str:
        return hmac.new(
            self._index_key, f"{conversation_id}\x00{value}".encode(), hashlib.sha256
        ).hexdigest()

    def tokenize(self, conversation_id: str, kind: str, value: str) -> str:
        """``kind`` is a token kind (rrn, frn, ppt, id) or an identifier field type."""
        kind = IDENTIFIER_KINDS.get(kind, kind)
        if kind not in ("rrn", "frn", "ppt", "id"):
            raise ValueError(f"unknown identifier kind {kind!r}")
        index = self._blind_index(conversation_id, value)
        with self._db.session() as session:
            existing = (
                session.query(PiiValue)
                .filter_by(blind_index=index, conversation_id=conversation_id)
                .first()
            )
            if existing:
                return existing.token
            token = f"pii_{kind}_" + "".join(secrets.choice(_ALPHABET) for _ in range(12))
            nonce = secrets.token_bytes(12)
            ciphertext = nonce + self._aead.encrypt(nonce, value.encode(), token.encode())
            session.add(
                PiiValue(
                    token=token,
                    conversation_id=conversation_id,
                    kind=kind,
                    blind_index=index,
                    key_id=self.key_id,
                    ciphertext=ciphertext,
                )
            )
            return token

    def reveal(self, token: str) -> str | None:
        with self._db.session() as session:
            row = session.get(PiiValue, token)
            if row is None:
                return None
            nonce, body = row.ciphertext[:12], row.ciphertext[12:]
            return self._aead.decrypt(nonce, body, token.encode()).decode()

    def masked(self, token: str) -> str:
        value = self.reveal(token)
        kind = token.split("_")[1]
        return mask_identifier(kind, value) if value else "********"

    def scrub(self, conversation_id: str, text: str, *, whole: bool = False) -> str:
        """Replaces identifiers in ``text`` with tokens. With ``whole`` (the citizen is
        answering an identifier question) any long digit run is taken too."""

        def registration(match: re.Match[str]) -> str:
            front, digit, rest = match.groups()
            kind = "frn" if digit in "5678" else "rrn"
            return self.tokenize(conversation_id, kind, f"{front}-{digit}{rest}")

        scrubbed = _REGISTRATION.sub(registration, text)
        if whole and scrubbed == text and sum(c.isdigit() for c in text) >= 6:
            # A mistyped number is still somebody's number: the whole answer goes in the vault.
            return self.tokenize(conversation_id, "id", text.strip())
        return scrubbed

    def reveal_text(self, text: str) -> str:
        return TOKEN.sub(lambda m: self.reveal(m.group()) or m.group(), text)

    def mask_tokens(self, text: str) -> str:
        """Replaces tokens in outgoing text with the masked value (``900101-1******``)."""
        return TOKEN.sub(lambda m: self.masked(m.group()), text)
