"""What kind of fact a question asks for, and whether a sentence states one.

"How much…", "얼마…", "多少钱", "bao nhiêu tiền", "เท่าไหร่" ask for an amount; "how long…",
"며칠", "几天", "mấy ngày", "กี่วัน" for a period. A sentence that states that kind of fact
(an amount of money, a number of days, a time of day, a phone number) is a better answer than
one that merely shares the question's words — which a document's introduction always does.
"""

from __future__ import annotations

import re

_CURRENCY = r"(?:\d[\d,]*\s*(?:원|won|韩元|韓元|วอน|₩)|₩\s*\d)"
_FREE = (
    r"(?:무료|수수료(?:가|는)?\s*없|free|no fee|免费|不收费|miễn phí|không (?:mất|tốn|thu) "
    r"(?:phí|tiền)|ฟรี|ไม่มีค่า|ไม่เสีย(?:ค่า|เงิน))"
)
_PERIOD = (
    r"(?:\d+\s*(?:일|日|天|days?|ngày|วัน|시간|hours?|giờ|ชั่วโมง|주|weeks?|tuần|สัปดาห์|개월|"
    r"months?|个月|tháng|เดือน)|즉시|바로|on the spot|immediately|right away|当场|立即|ngay|ทันที)"
)
_FINE = r"과태료|벌금|범칙금|\bfines?\b|penalt|罚|phạt|ค่าปรับ|โทษปรับ|โดนปรับ|ถูกปรับ"
_CLOCK = r"\d{1,2}:\d{2}"
_NUMBER = r"\d"

# (question cues, evidence a sentence gives) per kind of fact.
KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "amount": (
        re.compile(
            r"얼마|비용|수수료|돈|요금|유료|무료|how much|cost|fee|price|pay|charge|"
            r"free|多少钱|费用|手续费|收费|免费|钱|bao nhiêu tiền|phí|mất tiền|tốn|"
            r"giá|เท่าไหร่|เท่าไร|ค่าธรรมเนียม|ค่าใช้จ่าย|เสียเงิน|ฟรี|กี่บาท|กี่วอน|ราคา",
            re.I,
        ),
        re.compile(f"{_CURRENCY}|{_FREE}", re.I),
    ),
    # A fine is an amount too, but "does it cost anything?" asks for the fee, not the fine.
    "fine": (re.compile(_FINE, re.I), re.compile(_FINE, re.I)),
    "period": (
        re.compile(
            r"며칠|몇\s*일|얼마나\s*걸|기간|기한|언제까지|몇\s*시간|"
            r"how long|how many days|deadline|how soon|within|"
            r"几天|多久|多长时间|期限|多少天|mấy ngày|bao lâu|bao nhiêu ngày|thời hạn|"
            r"กี่วัน|นานไหม|นานเท่า|ภายในกี่|กี่ชั่วโมง|รอกี่",
            re.I,
        ),
        re.compile(_PERIOD, re.I),
    ),
    "clock": (
        re.compile(r"몇\s*시|what time|open|close|hours|几点|mấy giờ|giờ mở|กี่โมง|เปิด|ปิด", re.I),
        re.compile(_CLOCK),
    ),
    "place": (
        re.compile(
            r"어디|온라인|인터넷|사이트|앱|where|which (?:site|website|app)|online|website|app\b|"
            r"哪里|哪儿|在哪|网上|网站|ở đâu|trang nào|trên mạng|online|ứng dụng nào|"
            r"ที่ไหน|ออนไลน์|เว็บไหน|แอปไหน",
            re.I,
        ),
        re.compile(
            r"정부24|Gov24|政府24|안전신문고|国民申闻鼓|국민신문고|e-?People|HiKorea|하이코리아|"
            r"[a-z0-9-]+\.(?:go\.|or\.)?kr|\bapp\b|website|웹사이트|앱|网站|应用|ứng dụng|"
            r"trang web|แอป|เว็บไซต์|counter|창구|窗口|quầy|เคาน์เตอร์",
            re.I,
        ),
    ),
    "documents": (
        re.compile(
            r"가져|챙겨|서류|준비물|필요해|what (?:do i|papers|documents)|bring|documents|papers|"
            r"带什么|材料|需要什么|giấy tờ|mang (?:theo|gì)|cần gì|เอกสาร|ต้องเตรียม|ต้องใช้อะไร",
            re.I,
        ),
        re.compile(
            r"위임장|신분증|임대차|delegation|\bID\b|lease|委托书|身份证|租赁|giấy ủy quyền|"
            r"giấy tờ tùy thân|hợp đồng thuê|หนังสือมอบอำนาจ|บัตรประจำตัว|สัญญาเช่า",
            re.I,
        ),
    ),
    "who": (
        re.compile(
            r"누가|누구|대신|who|someone else|for me|谁|代|替我|\bai\b|thay tôi|giùm|ใคร|แทน", re.I
        ),
        re.compile(
            r"본인|세대주|배우자|대리인|형제|head of household|spouse|proxy|sibling|"
            r"户主|配偶|代理人|"
            r"chủ hộ|vợ/chồng|được ủy quyền|anh chị em|"
            r"หัวหน้าครัวเรือน|คู่สมรส|ผู้รับมอบอำนาจ|พี่น้อง",
            re.I,
        ),
    ),
    "number": (
        re.compile(
            r"몇\s*(?:장|개|번|명|통)|번호|전화|how many|number|phone|call|几张|几个|电话|号码|"
            r"mấy|số điện thoại|gọi|กี่|เบอร์|โทร",
            re.I,
        ),
        re.compile(_NUMBER),
    ),
}


def asked_kinds(question: str) -> list[str]:
    return [kind for kind, (cue, _) in KINDS.items() if cue.search(question)]


def states(sentence: str, kinds: list[str]) -> bool:
    """The sentence states a fact of one of the kinds asked for (a fine is not the fee)."""
    return any(
        KINDS[kind][1].search(sentence)
        and not (kind == "amount" and KINDS["fine"][1].search(sentence))
        for kind in kinds
    )
