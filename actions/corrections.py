"""Which earlier answer a citizen wants to change, from their own words ("my phone number is
wrong, it's 010-…"), in any of the five languages.

Fields are found by their catalog labels and by the everyday words below (keyed by field id:
the same id means the same thing in every petition). The longest match wins; words shared by
several fields ("번호", "number") only decide between fields when nothing longer matches.
"""

from __future__ import annotations

import re

from forms.catalog import FieldDef, Petition
from forms.languages import LANGUAGES

_NAME = ("이름", "성함", "name", "名字", "姓名", "tên", "họ tên", "ชื่อ")
_RRN = (
    "주민번호",
    "주민등록번호",
    "registration number",
    "rrn",
    "id number",
    "身份证号",
    "登记号码",
    "居民登记号",
    "số đăng ký",
    "số cmnd",
    "เลขทะเบียน",
    "เลขประจำตัว",
)
_PHONE = (
    "전화번호",
    "전화",
    "핸드폰",
    "휴대폰",
    "휴대전화",
    "연락처",
    "phone",
    "mobile",
    "cell",
    "电话",
    "手机",
    "联系方式",
    "điện thoại",
    "sđt",
    "số điện thoại",
    "โทรศัพท์",
    "เบอร์",
    "เบอร์โทร",
)
_ADDRESS = ("주소", "address", "地址", "住址", "địa chỉ", "ที่อยู่")
_COPIES = (
    "통수",
    "몇 통",
    "부수",
    "copies",
    "number of copies",
    "份数",
    "几份",
    "số bản",
    "จำนวนฉบับ",
)
_PURPOSE = ("용도", "목적", "제출처", "purpose", "what it is for", "用途", "mục đích", "วัตถุประสงค์")

WORDS: dict[str, tuple[str, ...]] = {
    "applicant_name": _NAME,
    "reporter_name": _NAME,
    "applicant_rrn": _RRN,
    "reporter_rrn": _RRN,
    "phone": _PHONE,
    "reporter_phone": _PHONE,
    "address": _ADDRESS,
    "new_address": (
        "새 주소",
        "새로운 주소",
        "이사한 주소",
        "new address",
        "新地址",
        "địa chỉ mới",
        "ที่อยู่ใหม่",
        *_ADDRESS,
    ),
    "previous_address": (
        "전 주소",
        "이전 주소",
        "예전 주소",
        "previous address",
        "old address",
        "原地址",
        "旧地址",
        "địa chỉ cũ",
        "ที่อยู่เดิม",
        "ที่อยู่เก่า",
    ),
    "copy_type": (
        "등본",
        "초본",
        "종류",
        "type",
        "household copy",
        "abstract",
        "誊本",
        "抄本",
        "loại",
        "ประเภท",
    ),
    "copies": _COPIES,
    "purpose": _PURPOSE,
    "move_date": (
        "전입일",
        "이사한 날",
        "이사 날짜",
        "날짜",
        "move date",
        "date",
        "搬家日期",
        "日期",
        "ngày chuyển",
        "ngày",
        "วันที่ย้าย",
        "วันที่",
    ),
    "household_type": ("전입 구분", "세대", "household", "户", "hộ", "ครัวเรือน"),
    "movers": (
        "같이 이사",
        "함께 이사",
        "세대원",
        "가족",
        "movers",
        "family members",
        "who is moving",
        "家人",
        "一起搬",
        "người chuyển cùng",
        "thành viên",
        "ผู้ย้าย",
        "สมาชิก",
    ),
    "subject_name": ("대상자", "누구", "subject", "whose", "对象", "người được cấp", "ผู้ถูกขอ"),
    "relation": ("관계", "relation", "relationship", "关系", "quan hệ", "ความสัมพันธ์"),
    "certificate_kind": (
        "일반",
        "상세",
        "특정",
        "증명서 종류",
        "kind",
        "general",
        "detailed",
        "一般",
        "详细",
        "loại giấy",
        "แบบ",
    ),
    "usage": ("용도", "사용처", "매도", "usage", "use", "for selling", "用途", "mục đích", "การใช้"),
    "applying_as": ("대리", "본인", "proxy", "myself", "代理", "本人", "ủy quyền", "ตัวแทน"),
    "proxy_name": (
        "대리인 이름",
        "대리인",
        "proxy's name",
        "proxy name",
        "代理人",
        "người được ủy quyền",
        "ชื่อตัวแทน",
    ),
    "proxy_relation": ("대리인 관계", "proxy relation", "代理人关系", "quan hệ người ủy quyền"),
    "buyer_name": ("매수자", "사는 사람", "buyer", "买方", "người mua", "ผู้ซื้อ"),
    "buyer_address": (
        "매수자 주소",
        "buyer's address",
        "buyer address",
        "买方地址",
        "địa chỉ người mua",
        "ที่อยู่ผู้ซื้อ",
    ),
    "surname": ("성", "surname", "family name", "last name", "姓", "họ", "นามสกุล"),
    "given_names": ("이름", "given name", "first name", "名", "tên", "ชื่อ"),
    "foreigner_reg_no": (
        "외국인등록번호",
        "등록번호",
        "alien registration",
        "foreigner registration",
        "arc",
        "外国人登录号",
        "登录证号",
        "số đăng ký người nước ngoài",
        "เลขทะเบียนคนต่างชาติ",
    ),
    "nationality": ("국적", "nationality", "country", "国籍", "quốc tịch", "สัญชาติ"),
    "passport_no": ("여권", "여권번호", "passport", "护照", "hộ chiếu", "หนังสือเดินทาง", "พาสปอร์ต"),
    "zone_type": ("장소 유형", "구역", "zone", "type of place", "区域", "khu vực", "ประเภทพื้นที่"),
    "location": (
        "위치",
        "장소",
        "어디",
        "location",
        "place",
        "where",
        "位置",
        "地点",
        "vị trí",
        "địa điểm",
        "สถานที่",
        "ตำแหน่ง",
    ),
    "vehicle_no": (
        "차량번호",
        "차번호",
        "번호판",
        "plate",
        "license plate",
        "车牌",
        "biển số",
        "ทะเบียนรถ",
    ),
    "observed_at": ("시간", "시각", "언제", "time", "when", "时间", "thời gian", "lúc", "เวลา"),
    "photos": ("사진", "photo", "picture", "照片", "ảnh", "hình", "รูป"),
    "facility_type": ("시설", "시설물", "facility", "设施", "cơ sở", "loại", "สิ่งอำนวยความสะดวก"),
    "description": (
        "설명",
        "내용",
        "상태",
        "description",
        "details",
        "说明",
        "描述",
        "mô tả",
        "รายละเอียด",
    ),
    "email": ("이메일", "메일", "email", "e-mail", "邮箱", "电子邮件", "thư điện tử", "อีเมล"),
    "petition_kind": ("민원 종류", "종류", "kind", "type", "种类", "loại", "ประเภท"),
    "title": ("제목", "title", "subject line", "标题", "tiêu đề", "หัวข้อ"),
    "content": ("내용", "본문", "content", "text", "内容", "nội dung", "เนื้อหา"),
    "disclosure": (
        "공개",
        "비공개",
        "disclosure",
        "public",
        "private",
        "公开",
        "công khai",
        "เปิดเผย",
    ),
}
# Words that name several fields: they decide only when nothing more specific matched.
_WEAK = {
    "번호",
    "number",
    "号码",
    "số",
    "date",
    "날짜",
    "이름",
    "name",
    "tên",
    "ชื่อ",
    "type",
    "종류",
}


def _words_of(field: FieldDef) -> list[str]:
    labels = [field.label(lang) for lang in LANGUAGES]
    return [w.lower() for w in (*labels, *WORDS.get(field.id, ())) if w]


def field_named_in(text: str, petition: Petition, asked: set[str] | None = None) -> FieldDef | None:
    """The petition field the text is about, or None if none or several equally."""
    lowered = text.lower()
    best: dict[str, int] = {}
    for field in petition.fields:
        if asked is not None and field.id not in asked:
            continue
        for word in _words_of(field):
            if re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", lowered):
                score = len(word) if word not in _WEAK else 1
                best[field.id] = max(best.get(field.id, 0), score)
    if not best:
        return None
    top = max(best.values())
    winners = [f for f, score in best.items() if score == top]
    return petition.field(winners[0]) if len(winners) == 1 else None
