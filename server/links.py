"""Links given to citizens: the status page of a receipt, signed so only its holder can read it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable


class StatusLinks:
    """Signed with the personal-data key in force; links signed before a key rotation verify
    with the previous keys as long as those are configured."""

    def __init__(self, secret: bytes, public_url: str, previous: Iterable[bytes] = ()) -> None:
        self._secret = self._derive(secret)
        self._previous = [self._derive(old) for old in previous]
        self._base = public_url.rstrip("/")

    @staticmethod
    def _derive(secret: bytes) -> bytes:
        return hashlib.sha256(b"minwon-status-link" + secret).digest()

    @staticmethod
    def _sign(secret: bytes, receipt_no: str) -> str:
        return hmac.new(secret, receipt_no.encode(), hashlib.sha256).hexdigest()[:32]

    def token(self, receipt_no: str) -> str:
        return self._sign(self._secret, receipt_no)

    def verify(self, receipt_no: str, token: str) -> bool:
        return any(
            # bytes: comparing non-ASCII str raises, and a link may carry anything
            hmac.compare_digest(self._sign(secret, receipt_no).encode(), (token or "").encode())
            for secret in (self._secret, *self._previous)
        )

    def url(self, receipt_no: str) -> str:
        return f"{self._base}/status/{receipt_no}?token={self.token(receipt_no)}"
