"""Legal processing periods as numbers of days, read from the catalog's Korean text.

The catalog gives ``processing_period`` as text only (e.g. "즉시 발급", "7일(…)", "질의
7일(절차)·14일(법령), 건의 14일, 고충 7일, 기타 즉시(…). 5일 이하는 …"). The number is derived
like this, and only like this:

1. the Korean text, without its parenthesised remarks ("(처리 결과는 …)", "(근무시간 3시간 이내)");
2. its first sentence only: later sentences explain how periods are counted ("5일 이하는
   근무시간으로 계산", "30일이 지나면 진행 상황을 알려 드려요") and are not periods;
3. every "N일" is N days and "즉시" (on the spot) is 0 days — decided on the day of submission;
4. a clause that starts with a choice of the petition's own form ("질의 …", "건의 …" are options
   of ``petition_kind``) sets the period for submissions with that choice; where a clause names
   two periods ("질의 7일(절차)·14일(법령)") the longer applies, because which one does cannot be
   told from the form;
5. anything else — and a submission whose choice is unknown (e.g. purged) — gets the longest
   period the sentence names. So a submission is only called overdue when it is past every
   period that could apply to it.

Periods are working days (민원 처리에 관한 법률 제19조: Saturdays and public holidays do not
count); see ``server/insights.py`` for how elapsed working days are counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.catalog import Petition

AT_ONCE = "즉시"
_DAYS = re.compile(r"(\d+)\s*일")
_REMARKS = re.compile(r"\([^)]*\)|（[^）]*）")
_SENTENCE_END = re.compile(r"[.。](?:\s|$)")


def _days_in(text: str) -> list[int]:
    days = [int(n) for n in _DAYS.findall(text)]
    if AT_ONCE in text:
        days.append(0)
    return days


@dataclass(frozen=True)
class LegalPeriod:
    """A petition's legal processing period in working days (None: the text names none)."""

    days: int | None
    # The choice field the period depends on (e.g. petition_kind) and the period per value.
    depends_on: str | None = None
    by_value: Mapping[str, int] = field(default_factory=dict)

    def for_fields(self, fields: Mapping[str, Any] | None) -> int | None:
        """The period for one submission, given its stored field values."""
        if self.depends_on and fields:
            value = fields.get(self.depends_on)
            if isinstance(value, str) and value in self.by_value:
                return self.by_value[value]
        return self.days

    @property
    def shortest(self) -> int | None:
        return min([*self.by_value.values(), self.days]) if self.days is not None else None

    def describe(self) -> str:
        """In the desk's words: "당일(즉시)", "7일", "질의 14일 · … · 기타 당일(즉시)"."""
        if self.days is None:
            return "정해지지 않음"
        if self.by_value and self.shortest != self.days:
            return " · ".join(f"{value} {_in_words(d)}" for value, d in self.by_value.items())
        return _in_words(self.days)


def _in_words(days: int) -> str:
    return "당일(즉시)" if days == 0 else f"{days}일"


def legal_period(petition: Petition) -> LegalPeriod:
    text = _REMARKS.sub("", petition.processing_period.ko)
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    choices = {
        option.value: f.id for f in petition.fields if f.type == "choice" for option in f.options
    }
    everything: list[int] = []
    by_value: dict[str, int] = {}
    depends_on: str | None = None
    for clause in re.split(r"[,，]", sentence):
        days = _days_in(clause)
        if not days:
            continue
        everything += days
        words = clause.split()
        if words and words[0] in choices and depends_on in (None, choices[words[0]]):
            depends_on = choices[words[0]]
            by_value[words[0]] = max(days)
    if not everything:
        return LegalPeriod(None)
    return LegalPeriod(max(everything), depends_on, by_value)
