import pytest

from actions.corrections import field_named_in
from forms.catalog import default_catalog

COPY = default_catalog().petition("resident_registration_copy")
MOVE = default_catalog().petition("move_in_report")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("my phone number is wrong, it's 010-2222-3333", "phone"),
        ("주소가 틀렸어요", "address"),
        ("地址写错了", "address"),
        ("số điện thoại sai rồi", "phone"),
        ("เบอร์โทรผิดค่ะ", "phone"),
        ("초본으로 바꿔주세요", "copy_type"),
        ("통수를 3통으로", "copies"),
        ("I want to change the name", "applicant_name"),
        ("번호 틀렸어요", None),  # phone or registration number: ask which
        ("hello there", None),
    ],
)
def test_field_named_in_a_correction(text, field):
    found = field_named_in(text, COPY)
    assert (found.id if found else None) == field


def test_more_specific_words_win():
    assert field_named_in("이전 주소를 잘못 썼어요", MOVE).id == "previous_address"
    assert field_named_in("새 주소가 틀렸어요", MOVE).id == "new_address"
