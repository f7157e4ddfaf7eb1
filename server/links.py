"""Links given to citizens: the status page of a receipt, signed so only its holder can read it."""

from __future__ import annotations

import hashlib
import hmac


class StatusLinks:
    def __init__(self, secret: bytes, public_url: str) -> None:
        self._secret = hashlib.sha256(b"minwon-status-link" + secret).digest()
        self._base = public_url.rstrip("/")

    def token(self, receipt_no: str) -> str:
        return hmac.new(self._secret, receipt_no.encode(), hashlib.sha256).hexdigest()[:32]

    def verify(self, receipt_no: str, token: str) -> bool:
        return hmac.compare_digest(self.token(receipt_no), token or "")

    def url(self, receipt_no: str) -> str:
        return f"{self._base}/status/{receipt_no}?token={self.token(receipt_no)}"
