"""What citizens say, per language, in the conversation tests. Phrasings differ from the NLU
training data: the bot has to understand, not remember."""

from __future__ import annotations

LANGUAGES = ("ko", "en", "zh", "vi", "th")

PHRASES: dict[str, dict[str, str]] = {
    "ko": {
        "apply_copy": "주민등록 등본 하나 발급받고 싶어요",
        "name": "박서연",
        "question": "등본 떼는 데 수수료가 얼마인가요?",
        "wrong_phone": "아 전화번호 잘못 말했어요 010-5151-2626 이에요",
        "change_address": "주소를 바꾸고 싶어요",
        "cancel": "그냥 신청 취소할게요",
        "to_english": "영어로 말해 주세요",
        "status": "접수한 민원 처리 상태가 궁금해요",
        "human": "담당 직원과 직접 통화하고 싶어요",
        "purpose": "은행에 낼 거예요",
    },
    "en": {
        "apply_copy": "could I get a resident registration certificate please",
        "name": "Emily Watson",
        "question": "what's the fee for this at the counter?",
        "wrong_phone": "sorry my phone number was wrong, it's 010-5151-2626",
        "change_address": "I need to change my address",
        "cancel": "I want to cancel this application",
        "to_english": "english please",
        "status": "I'd like to check the status of my petition",
        "human": "can I talk to a real person",
        "purpose": "for my bank",
    },
    "zh": {
        "apply_copy": "我想开一份居民登记誊本",
        "name": "王芳",
        "question": "办誊本要交多少手续费？",
        "wrong_phone": "我的手机号码写错了，是010-5151-2626",
        "change_address": "我想修改地址",
        "cancel": "我不想申请了，取消吧",
        "to_english": "请用英语",
        "status": "我想查一下我提交的申请进度",
        "human": "我想跟工作人员通话",
        "purpose": "交给银行用",
    },
    "vi": {
        "apply_copy": "tôi muốn xin giấy đăng ký cư trú bản sao",
        "name": "Trần Thị Mai",
        "question": "làm bản sao này lệ phí bao nhiêu vậy?",
        "wrong_phone": "số điện thoại của tôi bị sai rồi, đúng là 010-5151-2626",
        "change_address": "tôi muốn sửa địa chỉ",
        "cancel": "thôi tôi muốn hủy hồ sơ này",
        "to_english": "cho tôi nói tiếng Anh",
        "status": "tôi muốn kiểm tra tình trạng hồ sơ đã nộp",
        "human": "tôi muốn nói chuyện với nhân viên",
        "purpose": "để nộp ngân hàng",
    },
    "th": {
        "apply_copy": "อยากขอสำเนาทะเบียนผู้พำนักค่ะ",
        "name": "สมศรี ใจดี",
        "question": "ค่าธรรมเนียมทำเอกสารนี้เท่าไหร่คะ",
        "wrong_phone": "เบอร์โทรผิดค่ะ ที่ถูกคือ 010-5151-2626",
        "change_address": "ขอแก้ไขที่อยู่ค่ะ",
        "cancel": "ขอยกเลิกคำร้องนี้ค่ะ",
        "to_english": "ขอเป็นภาษาอังกฤษได้ไหมคะ",
        "status": "อยากตรวจสอบสถานะคำร้องที่ยื่นไปค่ะ",
        "human": "ขอคุยกับเจ้าหน้าที่ค่ะ",
        "purpose": "ยื่นธนาคาร",
    },
}

RRN = "900101-1234568"
ADDRESS = "서울특별시 종로구 세종대로 209, 101동 1203호"
PHONE = "010-4821-7730"

# Starting each petition, in each language (the apply_<petition> intents).
APPLY: dict[str, dict[str, str]] = {
    "resident_registration_copy": {lang: PHRASES[lang]["apply_copy"] for lang in LANGUAGES},
    "move_in_report": {
        "ko": "이사 와서 전입신고 하려고 합니다",
        "en": "I just moved here and want to report my new address",
        "zh": "我搬家了，想办理迁入申报",
        "vi": "tôi mới chuyển nhà, muốn khai báo chuyển đến",
        "th": "เพิ่งย้ายบ้านมา อยากแจ้งย้ายเข้าค่ะ",
    },
    "family_relation_certificate": {
        "ko": "가족관계증명서 한 부 떼 주세요",
        "en": "I need a family relation certificate",
        "zh": "我要开家庭关系证明书",
        "vi": "tôi cần xin giấy chứng nhận quan hệ gia đình",
        "th": "ขอใบรับรองความสัมพันธ์ครอบครัวค่ะ",
    },
    "seal_certificate": {
        "ko": "인감증명서 발급받으려고 왔어요",
        "en": "I'd like to get a seal certificate issued",
        "zh": "我想办一份印鉴证明",
        "vi": "tôi muốn làm giấy chứng nhận con dấu",
        "th": "อยากขอใบรับรองตราประทับค่ะ",
    },
    "foreigner_address_change": {
        "ko": "외국인인데 체류지 변경신고 하러 왔어요",
        "en": "I'm a foreigner and need to report my change of address for my ARC",
        "zh": "我是外国人，要办滞留地变更申报",
        "vi": "tôi là người nước ngoài, muốn khai báo thay đổi nơi cư trú",
        "th": "เป็นคนต่างชาติ อยากแจ้งเปลี่ยนที่พำนักค่ะ",
    },
    "illegal_parking_report": {
        "ko": "소화전 앞에 불법주차한 차 신고할게요",
        "en": "I want to report a car illegally parked in front of a fire hydrant",
        "zh": "我要举报一辆违章停车的车",
        "vi": "tôi muốn báo cáo xe đỗ trái phép",
        "th": "อยากแจ้งรถจอดผิดกฎหมายค่ะ",
    },
    "facility_damage_report": {
        "ko": "길에 가로등이 부서져서 신고하려고요",
        "en": "I want to report a broken streetlight on my road",
        "zh": "我要报修坏掉的路灯",
        "vi": "tôi muốn báo đèn đường bị hỏng",
        "th": "อยากแจ้งไฟถนนเสียค่ะ",
    },
    "general_petition": {
        "ko": "시청에 건의하고 싶은 게 있어서 민원 넣을게요",
        "en": "I'd like to file a complaint with the city",
        "zh": "我想向市政府提交民愿建议",
        "vi": "tôi muốn gửi kiến nghị lên thành phố",
        "th": "อยากยื่นเรื่องร้องเรียนถึงเมืองค่ะ",
    },
}
