"""What kind of fact a question asks for, and which sentences state it."""

from __future__ import annotations

import pytest

from knowledge.asks import asked_kinds, states

FINE = "The basic fine for an illegally parked passenger car is 40,000 won."


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("전입신고 하는 데 돈 들어요?", ["amount"]),
        ("how much is the fine for parking here", ["amount", "fine"]),
        ("xe đỗ sai bị phạt bao nhiêu", ["fine"]),  # "sai" (wrong) is not "ai" (who)
        ("ai có thể xin giùm tôi", ["who"]),
        ("印鉴证明要等几天", ["period"]),
    ],
)
def test_the_kind_of_fact_asked_for(question, kinds):
    assert asked_kinds(question) == kinds


def test_a_fine_does_not_answer_what_a_petition_costs():
    assert not states(FINE, ["amount"])
    assert states("Reporting an illegally parked car is free.", ["amount"])
    assert states("인감증명서 수수료는 1통에 600원이에요.", ["amount"])


def test_a_fine_answers_a_question_about_fines():
    assert states(FINE, asked_kinds("how much is the fine for parking here"))
