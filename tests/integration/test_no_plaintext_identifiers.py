"""Known identifiers planted through full conversations — in forms, in free text, in
questions to the knowledge base, on the web and at the kiosk — and then every byte the system
wrote is searched: the app database, Rasa's tracker store, the logs, the Chroma files and
everything else under the installation's var directory. None may hold them in plain text.
The figures go to benchmarks/results/privacy.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from server.settings import ROOT
from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit

RRN = "750412-1843912"
FRN = "911203-5867424"
PASSPORT = "M73920481"


def renderings(value: str) -> set[bytes]:
    """How a number could sit in a file: as typed, without or with other separators, the
    part after the birth date alone; UTF-8 and UTF-16 (some stores use it)."""
    forms = {value, value.lower()}
    if "-" in value:
        front, back = value.split("-")
        forms |= {front + back, f"{front} {back}", back}
    found = set()
    for form in forms:
        found |= {form.encode(), form.encode("utf-16-le")}
    return found


def scan(root: Path, values: list[str]) -> tuple[int, int, list[str]]:
    needles = {v: renderings(v) for v in values}
    files = size = 0
    hits = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        files += 1
        size += len(data)
        for value, forms in needles.items():
            if any(form in data for form in forms):
                hits.append(f"{value} in {path.relative_to(root)}")
    return files, size, hits


def test_planted_identifiers_are_nowhere_in_plain_text(stack):
    # A resident registration copy on the web, the number typed as the form asks for it.
    web = Citizen(stack.url, "ko")
    start(web, "resident_registration_copy", "ko")
    fill_until(web, "resident_registration_copy", None, {"applicant_rrn": RRN})
    web_receipt = submit(web)

    # A foreign resident at the kiosk: registration and passport numbers in the form.
    kiosk = Citizen(stack.url, "en", channel="kiosk")
    start(kiosk, "foreigner_address_change", "en")
    fill_until(
        kiosk,
        "foreigner_address_change",
        None,
        {"foreigner_reg_no": FRN, "passport_no": PASSPORT},
    )
    kiosk_receipt = submit(kiosk)

    # Identifiers in free text: with a question, outside any form, and to the knowledge API.
    chatty = Citizen(stack.url, "ko")
    chatty.say(f"제 주민번호는 {RRN}인데 등본 수수료가 얼마예요?")
    chatty.say(f"My passport number is {PASSPORT} and my registration number {FRN}.")
    asked = httpx.post(
        f"{stack.url}/api/knowledge/ask",
        json={"question": f"외국인등록번호 {FRN} 여권 {PASSPORT} 체류지 변경은 어디서 하나요?"},
        timeout=120,
    )
    assert asked.status_code == 200

    # The numbers are really stored — encrypted — and the forms were filed.
    submission, vault = stored(stack, web_receipt)
    assert vault.reveal(submission.fields["applicant_rrn"]) == RRN
    submission, vault = stored(stack, kiosk_receipt)
    assert vault.reveal(submission.fields["passport_no"]) == PASSPORT
    assert submission.channel == "kiosk"

    files, size, hits = scan(stack.var, [RRN, FRN, PASSPORT])
    assert files >= 5, "the scan found too few files: wrong directory?"
    assert any(p.suffix == ".sqlite3" for p in stack.var.rglob("*")), "no Chroma files scanned"
    assert any(p.name == "rasa-tracker.db" for p in stack.var.rglob("*"))
    out = ROOT / "benchmarks" / "results" / "privacy.json"
    out.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "planted": [
                    "resident registration no.",
                    "foreigner registration no.",
                    "passport no.",
                ],
                "conversations": 3,
                "files_scanned": files,
                "bytes_scanned": size,
                "plaintext_found": len(hits),
            },
            indent=1,
        )
        + "\n"
    )
    assert not hits, hits
