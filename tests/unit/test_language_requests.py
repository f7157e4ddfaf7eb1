import pytest

from actions.language import language_named_in, language_requested_in


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ขอเป็นภาษาอังกฤษได้ไหมคะ", "en"),
        ("영어로 말해 주세요", "en"),
        ("请用英语", "en"),
        ("cho tôi nói tiếng Anh", "en"),
        ("english please", "en"),
        ("한국어로 해 주세요", "ko"),
        ("can you speak chinese", "zh"),
        # answers that name a country or nationality are not requests
        ("ไทย", None),
        ("Thai", None),
        ("中国", None),
        ("Việt Nam", None),
        ("I am Thai", None),
    ],
)
def test_language_requested(text, language):
    assert language_requested_in(text) == language


def test_language_named_prefers_the_last_named():
    assert language_named_in("한국어 말고 영어로") == "en"
