"""The first step of answering: what may go into a prompt at all.

Personal data (resident, foreigner and passport numbers — or the vault's tokens for them —,
phone numbers, e-mail addresses) is cut out of the question before it reaches retrieval, the
prompt or the logs. Sentences that try to steer the model ("ignore your instructions", "SYSTEM:",
"print your prompt", in any of our five languages) are dropped, from questions and from document
text alike, so they can change neither the answer policy nor what the model is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUESTION_CHARS = 500
REMOVED = "[…]"

_PERSONAL = [
    re.compile(r"pii_(?:rrn|frn|ppt|id)_[0-9a-z]{8,}", re.I),  # the vault's tokens
    re.compile(r"(?<!\d)\d{6}\s*[-–—]?\s*\d{7}(?!\d)"),  # resident / foreigner numbers
    re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d{7,8}(?![A-Za-z0-9])"),  # passport numbers
    re.compile(r"(?<!\d)(?:\+?82[-\s]?)?0?1[016789][-\s.]?\d{3,4}[-\s.]?\d{4}(?!\d)"),  # mobiles
    re.compile(r"(?<!\d)0\d{1,2}[-\s.)]\d{3,4}[-\s.]\d{4}(?!\d)"),  # landlines
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail addresses
]

_INJECTION = re.compile(
    "|".join(
        [
            # English
            r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules|prompts?|"
            r"polic(?:y|ies)|guidelines)\b",
            r"\bsystem\s*prompt\b",
            r"\b(?:you are now|act as|pretend to be|from now on you)\b",
            r"\b(?:developer|admin|god|dan)\s+mode\b",
            r"\bjailbreak|\bDAN\b",
            r"(?:^|\s)(?:system|assistant|developer)\s*:",
            r"\b(?:reveal|print|show|repeat)\b.{0,30}\b(?:prompt|instructions)\b",
            r"\badmin(?:istrator)?\s+password\b",
            # Korean
            r"(?:지시|지침|명령|규칙|설정|프롬프트)[을를은는이가]?\s*(?:모두\s*)?(?:무시|잊어)",
            r"시스템\s*프롬프트|개발자\s*모드|관리자\s*(?:모드|비밀번호|권한)|너는\s*이제",
            r"프롬프트[를을]?\s*(?:보여|출력|알려|공개)",
            # Chinese
            r"(?:忽略|无视|忘记|忘掉).{0,10}(?:指令|指示|说明|规则|提示)",
            r"系统提示|提示词|开发者模式|管理员(?:密码|模式|权限)|你现在是",
            # Vietnamese
            r"(?:bỏ qua|phớt lờ|quên)\b.{0,25}\b(?:hướng dẫn|chỉ dẫn|lệnh|quy tắc)",
            r"lời nhắc hệ thống|chế độ (?:nhà phát triển|quản trị)|mật khẩu quản trị",
            # Thai
            r"(?:เพิกเฉย|ไม่ต้องสนใจ|ละเว้น|ลืม).{0,15}(?:คำสั่ง|คำแนะนำ|กฎ)",
            r"(?:คำสั่ง|พรอมต์|พร้อมต์)ระบบ|โหมดนักพัฒนา|โหมดผู้ดูแล|รหัสผ่านผู้ดูแล",
        ]
    ),
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class Guarded:
    text: str
    personal_data_removed: bool
    injection_removed: bool

    @property
    def empty(self) -> bool:
        return not re.sub(rf"[\s{re.escape(REMOVED)}?？!.。]", "", self.text)


def remove_personal_data(text: str) -> tuple[str, bool]:
    removed = False
    for pattern in _PERSONAL:
        text, n = pattern.subn(REMOVED, text)
        removed = removed or n > 0
    return text, removed


def remove_injection(text: str) -> tuple[str, bool]:
    """``text`` without its steering sentences; lines stay lines."""
    lines, removed = [], False
    for line in text.split("\n"):
        kept = []
        for clause in _CLAUSES.split(line):
            if _INJECTION.search(clause):
                removed = True
            elif clause.strip():
                kept.append(clause.strip())
        if kept:
            lines.append(" ".join(kept))
    return "\n".join(lines), removed


def guard(question: str) -> Guarded:
    text = " ".join(question.split())[:MAX_QUESTION_CHARS]
    text, personal = remove_personal_data(text)
    text, injection = remove_injection(text)
    return Guarded(text, personal, injection)
