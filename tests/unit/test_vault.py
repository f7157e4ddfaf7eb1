import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from server.pii import TOKEN, Vault, load_key
from server.store.db import Database
from server.store.models import PiiValue


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    db = Database(f"sqlite:///{tmp_path / 'v.db'}")
    db.create_schema()
    return Vault(db, os.urandom(32))


def test_registration_numbers_become_tokens_and_come_back(vault):
    text = vault.scrub("c1", "번호 900101-1234568, 外国人 900101 5234567")
    tokens = [m.group() for m in TOKEN.finditer(text)]
    assert len(tokens) == 2 and "900101" not in text
    assert tokens[0].startswith("pii_rrn_") and tokens[1].startswith("pii_frn_")
    assert vault.reveal(tokens[0]) == "900101-1234568"
    assert vault.masked(tokens[1]) == "900101-5******"
    assert vault.mask_tokens(text) == "번호 900101-1******, 外国人 900101-5******"


def test_same_number_keeps_its_token_within_a_conversation_only(vault):
    first = vault.scrub("c1", "900101-1234568")
    assert vault.scrub("c1", "9001011234568") == first
    assert vault.scrub("c2", "900101-1234568") != first


def test_answering_an_identifier_question_hides_even_a_mistyped_number(vault):
    text = vault.scrub("c1", "90010-11234568", whole=True)
    assert TOKEN.fullmatch(text)
    assert vault.reveal(text) == "90010-11234568"
    assert vault.scrub("c1", "모르겠어요", whole=True) == "모르겠어요"


def test_token_next_to_chinese_or_thai_letters_is_found(vault):
    token = vault.scrub("c1", "900101-1234568")
    assert vault.reveal_text(f"号码是{token}好") == "号码是900101-1234568好"


def test_stored_ciphertext_is_not_the_number(vault, tmp_path):
    vault.scrub("c1", "900101-1234568")
    data = (tmp_path / "v.db").read_bytes()
    assert b"900101" not in data and b"1234568" not in data


def test_tampered_ciphertext_is_refused(vault):
    token = vault.scrub("c1", "900101-1234568")
    with vault._db.session() as session:
        row = session.get(PiiValue, token)
        row.ciphertext = row.ciphertext[:-1] + bytes([row.ciphertext[-1] ^ 1])
    with pytest.raises(InvalidTag):
        vault.reveal(token)


def test_key_file_is_created_private(tmp_path):
    key_file = tmp_path / "keys" / "pii.key"
    key = load_key("", key_file)
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_key("", key_file) == key
