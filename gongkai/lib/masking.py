"""Masks for personal data shown in lists."""


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    # 张三 -> 张*, 欧阳娜娜 -> 欧***
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1 or 1)
