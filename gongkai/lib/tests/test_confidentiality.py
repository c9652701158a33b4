import pytest

from gongkai.lib.confidentiality import (
    KIND_LABELS,
    Hit,
    apply_masks,
    luhn_ok,
    mask_value,
    scan_text,
    valid_id_number,
)

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # ISO 7064 MOD 11-2 weights, derived independently


def make_id(base17: str) -> str:
    return base17 + "10X98765432"[sum(int(d) * w for d, w in zip(base17, WEIGHTS, strict=True)) % 11]


def luhn_complete(prefix: str) -> str:
    """Append the digit that makes prefix Luhn-valid (brute force, independent of the code under test)."""
    for d in "0123456789":
        s = prefix + d
        total = sum(int(c) if i % 2 == 0 else sum(divmod(int(c) * 2, 10)) for i, c in enumerate(reversed(s)))
        if total % 10 == 0:
            return s
    raise AssertionError


VALID_ID = make_id("11010519491231002")
X_ID = next(
    make_id(f"43018119900101{n:03d}") for n in range(1000) if make_id(f"43018119900101{n:03d}")[-1] == "X"
)
CARD16 = luhn_complete("622202123456789")


def kinds(text):
    return [(h.kind, h.value) for h in scan_text(text)]


def test_example_id_check_digit():
    assert VALID_ID == "11010519491231002X"  # the well-known published example
    assert valid_id_number(VALID_ID)
    assert valid_id_number(VALID_ID.lower())


def test_valid_id_number_rejects_bad_input():
    assert not valid_id_number(VALID_ID[:-1] + "3")  # wrong check char
    assert not valid_id_number(VALID_ID[:17])  # too short
    assert not valid_id_number(make_id("11010519491332002"))  # month 13, correct check digit
    assert not valid_id_number(make_id("11010518491231002"))  # born 1849
    assert not valid_id_number(make_id("11010530991231002"))  # born in the future
    assert not valid_id_number(make_id("01010519491231002"))  # region code cannot start with 0
    assert not valid_id_number("１１０１０５１９４９１２３１００２X")  # full-width digits


def test_luhn():
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")
    assert luhn_ok(CARD16) and len(CARD16) == 16
    assert not luhn_ok("")
    assert not luhn_ok("7992 7398 713")


def test_id_number_found_with_context():
    text = "申请人身份证号" + VALID_ID + "，请核对。"
    hits = scan_text(text)
    assert hits == [Hit("id_number", VALID_ID, 7, 25, text)]
    assert text[hits[0].start : hits[0].end] == VALID_ID


def test_id_with_x_and_lowercase_x():
    assert kinds(f"号码 {X_ID} 结束") == [("id_number", X_ID)]
    assert kinds(f"号码 {X_ID.lower()} 结束") == [("id_number", X_ID.lower())]


def test_wrong_check_digit_not_reported():
    correct = make_id("44030419850615123")
    # pick a wrong last digit that is also not Luhn-valid, so nothing at all may be reported
    wrong = next(correct[:17] + d for d in "0123456789" if d != correct[-1] and not luhn_ok(correct[:17] + d))
    assert kinds(f"身份证：{correct}") == [("id_number", correct)]
    assert scan_text(f"身份证：{wrong}") == []


def test_id_inside_longer_digit_run_not_reported():
    assert all(h.kind != "id_number" for h in scan_text("1" + VALID_ID[:-1] + "5"))
    assert scan_text(VALID_ID + "7") == []


def test_valid_id_that_is_also_luhn_valid_reported_only_as_id():
    both = next(i for n in range(1000) if (i := make_id(f"32010219800101{n:03d}"))[-1] != "X" and luhn_ok(i))
    assert kinds(f"证件 {both}") == [("id_number", both)]


@pytest.mark.parametrize("mark", ["绝密", "机密", "秘密", "内部", "絕密", "機密", "祕密"])
def test_each_mark_found(mark):
    assert kinds(f"本文件为{mark}文件") == [("mark", mark)]


def test_marks_not_double_counted():
    text = "【绝密】与【机密】及秘密"
    hits = scan_text(text)
    assert [(h.value, h.start, h.end) for h in hits] == [("绝密", 1, 3), ("机密", 6, 8), ("秘密", 10, 12)]


def test_lone_mi_is_not_a_mark():
    assert scan_text("密切联系群众，严密组织") == []


def test_mobile_in_chinese_sentence():
    text = "联系电话：13800138000。"
    assert scan_text(text) == [Hit("mobile", "13800138000", 5, 16, text)]


@pytest.mark.parametrize(
    "number",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+8613800138000",
        "+86 138 0013 8000",
        "86-19912345678",
    ],
)
def test_mobile_formats(number):
    assert kinds(f"电话{number}谢谢") == [("mobile", number)]


@pytest.mark.parametrize(
    "text", ["12800138000", "1380013800", "138001380001", "9913800138000", "138 0013-8000"]
)
def test_not_mobile(text):
    assert scan_text(f"号{text}号") == []


def test_twenty_digit_number_is_nothing():
    assert scan_text("流水号 13800138000138001380 结束") == []
    assert scan_text("流水号 " + CARD16 + "0000") == []


def test_bank_card_plain_and_grouped():
    grouped = " ".join(CARD16[i : i + 4] for i in range(0, 16, 4))
    assert grouped.startswith("6222 0212 3456 789")
    assert kinds(f"卡号：{CARD16}。") == [("bank_card", CARD16)]
    assert kinds(f"卡号：{grouped}。") == [("bank_card", grouped)]
    card19 = luhn_complete("621700123456789012")
    assert kinds(f"卡号{card19}") == [("bank_card", card19)]
    card19_grouped = " ".join(card19[i : i + 4] for i in range(0, 19, 4))
    assert kinds(f"卡号 {card19_grouped} 止") == [("bank_card", card19_grouped)]


def test_bank_card_luhn_invalid_or_wrong_length_not_reported():
    bad = CARD16[:-1] + str((int(CARD16[-1]) + 1) % 10)
    assert scan_text(f"卡号：{bad}") == []
    assert scan_text("卡号：" + luhn_complete("62220212345678")) == []  # 15 digits
    # a Luhn-valid 16-digit grouped card followed by a further group is part of a longer run, not a card
    grouped = " ".join(CARD16[i : i + 4] for i in range(0, 16, 4))
    assert kinds(grouped) == [("bank_card", grouped)]
    assert scan_text(grouped + " 1234") == []
    assert scan_text("1234 " + grouped) == []


def test_mixed_text_sorted_and_non_overlapping():
    text = f"机密 申请人{VALID_ID}，电话138-0013-8000，卡号{CARD16}，内部资料"
    hits = scan_text(text)
    assert [h.kind for h in hits] == ["mark", "id_number", "mobile", "bank_card", "mark"]
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    for a, b in zip(hits, hits[1:], strict=False):
        assert a.end <= b.start
    for h in hits:
        assert text[h.start : h.end] == h.value
        assert h.value in h.context


def test_context_is_limited_to_twenty_chars_each_side():
    text = "甲" * 30 + "绝密" + "乙" * 30
    (hit,) = scan_text(text)
    assert hit.context == "甲" * 20 + "绝密" + "乙" * 20


def test_mask_value():
    assert mask_value("id_number", "43018119900101123X") == "430181********123X"
    assert mask_value("mobile", "13800138000") == "138****8000"
    assert mask_value("mobile", "138-0013-8000") == "138-****-8000"
    assert mask_value("mobile", "+86 138 0013 8000") == "+86 138 **** 8000"
    assert mask_value("bank_card", "6222021234567894") == "************7894"
    assert mask_value("bank_card", "6222 0212 3456 7894") == "**** **** **** 7894"
    assert mask_value("mark", "绝密") == "＊＊"
    with pytest.raises(ValueError):
        mask_value("email", "a@b.c")


def test_apply_masks_removes_all_findings():
    text = f"机密：申请人{VALID_ID}，电话13800138000，卡号{CARD16}。"
    masked = apply_masks(text, scan_text(text))
    assert masked == (
        f"＊＊：申请人{VALID_ID[:6]}********{VALID_ID[-4:]}，电话138****8000，卡号************{CARD16[-4:]}。"
    )
    assert scan_text(masked) == []
    assert apply_masks(text, []) == text


def test_apply_masks_rejects_hits_from_other_text():
    hits = scan_text("电话13800138000")
    with pytest.raises(ValueError):
        apply_masks("完全不同的一段文字内容", hits)


def test_kind_labels():
    assert KIND_LABELS == {
        "mark": "密级标识",
        "id_number": "身份证号码",
        "mobile": "手机号码",
        "bank_card": "银行卡号",
    }
    assert {h.kind for h in scan_text(f"绝密{VALID_ID} 13800138000 {CARD16}")} == set(KIND_LABELS)
