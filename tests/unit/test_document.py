from datetime import datetime

from forms.catalog import default_catalog
from forms.document import DocumentMeta, render_html

VALUES = {
    "applicant_name": "홍길동",
    "applicant_rrn": "900101-1234568",
    "address": "서울특별시 종로구 세종대로 209, 101동 1203호",
    "phone": "+821012345678",
    "copy_type": "초본",
    "copies": 3,
    "purpose": "For my employer",
}
META = DocumentMeta(
    "MW-20261121-ABCDEF", datetime(2026, 11, 21, 10, 30), "kiosk", "en", {"purpose": "회사 제출용"}
)


def render(copy):
    return render_html(default_catalog().petition("resident_registration_copy"), VALUES, META, copy)


def test_citizen_copy_masks_the_registration_number():
    html = render("citizen")
    assert "900101-1******" in html
    assert "1234568" not in html
    assert "신청인 보관용" in html


def test_staff_copy_shows_every_value_whole():
    html = render("staff")
    for text in (
        "홍길동",
        "900101-1234568",
        "세종대로 209",
        "010-1234-5678",
        "For my employer",
        "MW-20261121-ABCDEF",
    ):
        assert text in html
    assert 'class="check on">초본' in html
    assert 'class="check ">등본' in html


def test_free_text_in_another_language_has_a_marked_korean_translation():
    html = render("staff")
    assert '<div class="mt">회사 제출용</div>' in html


def test_signature_seat_is_left_blank():
    html = render("staff")
    assert '<span class="seat">&nbsp;</span> (서명 또는 인)' in html
