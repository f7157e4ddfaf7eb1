"""Slot names shared by the domain, the actions and the app (besides one slot per field id)."""

LANGUAGE = "language"
CHANNEL = "channel"
PETITION = "petition"
PETITION_RUN = "petition_run"
CONFIRMATION = "confirmation"
RECEIPT_NO = "receipt_no"
FAILURES = "failures"
PENDING_PHOTOS = "pending_photos"
CALLBACK_WANTED = "callback_wanted"
CALLBACK_PHONE = "callback_phone"
STATUS_RECEIPT = "status_receipt"
CORRECTING = "correcting"
REQUESTED_SLOT = "requested_slot"

# Intents that take the conversation elsewhere for a turn, in or out of a form.
DIGRESSIONS = frozenset(
    {"ask_question", "out_of_scope", "cancel", "switch_language", "request_human", "check_status"}
)
# Below this NLU confidence a free-text answer is taken as an answer, not a digression.
DIGRESSION_CONFIDENCE = 0.8

# The value a "skip" button sends for an optional field, and words that mean the same.
SKIP = "__skip__"
SKIP_WORDS = frozenset(
    {
        "skip",
        "none",
        "no",
        "없어요",
        "없음",
        "없습니다",
        "건너뛰기",
        "건너뛸게요",
        "跳过",
        "没有",
        "无",
        "bỏ qua",
        "không có",
        "ไม่มี",
        "ข้าม",
    }
)
