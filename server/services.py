"""The app's implementations of the actions' ports."""

from __future__ import annotations

from actions.ports import SubmissionDraft
from server.links import StatusLinks
from server.store.repositories import SubmissionRepository


class Petitions:
    def __init__(self, submissions: SubmissionRepository, links: StatusLinks) -> None:
        self._submissions = submissions
        self._links = links

    def submit(self, draft: SubmissionDraft) -> str:
        return self._submissions.submit(draft).receipt_no

    def status_url(self, receipt_no: str) -> str:
        return self._links.url(receipt_no)
