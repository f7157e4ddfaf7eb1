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


# --- passport numbers in free text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("my passport is M12345678", "M12345678"),
        ("Passport no.: GB1234567, thanks", "GB1234567"),
        ("여권번호 M12345678이에요", "M12345678"),
        ("여권번호는M123A4567입니다", "M123A4567"),
        ("护照号E12345678", "E12345678"),
        ("我的护照号码是ｅ１２３４５６７８。", "E12345678"),
        ("Số hộ chiếu của tôi là B1234567.", "B1234567"),
        ("hộ chiếu: c12345678", "C12345678"),
        ("หนังสือเดินทางเลขที่ AA1234567 ครับ", "AA1234567"),
        ("เลขพาสปอร์ตM12345678ค่ะ", "M12345678"),
    ],
)
def test_passport_numbers_in_free_text_become_tokens(vault, text, number):
    scrubbed = vault.scrub("c1", text)
    tokens = [m.group() for m in TOKEN.finditer(scrubbed)]
    assert len(tokens) == 1 and tokens[0].startswith("pii_ppt_")
    assert number not in scrubbed.upper() and number[-4:] not in scrubbed
    assert vault.reveal(tokens[0]) == number
    assert vault.masked(tokens[0]) == number[:2] + "*" * (len(number) - 4) + number[-2:]


@pytest.mark.parametrize(
    "text",
    [
        # receipt numbers, however typed
        "접수번호 MW-20261121-ABC234 조회해 주세요",
        "receipt MW20261121-ABC234",
        "mw20261121abc234 状态？",
        "Mã hồ sơ MW-20261121-K7P2QZ",
        "เลขที่รับเรื่อง MW20261121 ครับ",
        # vehicle plates, phone numbers, postal codes
        "차량번호 12가3456, 서울12가3456",
        "车牌号 123가4567",
        "전화 010-1234-5678 또는 01012345678",
        "call +82 10 1234 5678 or 02-123-4567",
        "Số điện thoại 0912345678",
        "โทร 081-234-5678",
        "우편번호 06236",
        "postcode 04524, 邮编 100080",
        # longer words, codes and addresses around letters + digits
        "order ABC1234567 and AB12345678 and M1234567890",
        "REF-M12345678 or M12345678-01 or X/A1234567",
        "mail m1234567@example.com",
        "model SM-G9910000 serial KR1234AB5678",
    ],
)
def test_look_alikes_of_passport_numbers_stay(vault, text):
    assert vault.scrub("c1", text) == text


def test_a_passport_number_keeps_its_token_and_sits_beside_a_registration_number(vault):
    text = vault.scrub("c1", "주민 900101-1234568 / 여권 M12345678")
    assert [m.group(1) for m in TOKEN.finditer(text)] == ["rrn", "ppt"]
    assert vault.scrub("c1", "m12345678") == text.split(" / 여권 ")[1]
    assert vault.mask_tokens(text) == "주민 900101-1****** / 여권 M1*****78"


def test_answering_the_passport_question_gives_a_passport_token(vault):
    answer = vault.scrub("c1", "M12345678 입니다", whole=True)
    assert answer.startswith("pii_ppt_") and answer.endswith(" 입니다")
    assert vault.reveal_text(answer) == "M12345678 입니다"
    mistyped = vault.scrub("c1", "M1234-5678", whole=True)
    assert mistyped.startswith("pii_id_") and vault.reveal(mistyped) == "M1234-5678"
