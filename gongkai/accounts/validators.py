import re
from functools import cache
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class CharacterClassValidator:
    """MLPS complexity: at least three of lower case, upper case, digits and symbols."""

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少三类。"), code="password_too_simple"
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字和符号中的至少三类。")


@cache
def _chinese_common() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords_zh.txt")
    lines = (line.strip() for line in path.read_text().splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


class DecoratedCommonPasswordValidator(CommonPasswordValidator):
    """Django's list of 20,000 common passwords plus common Chinese ones, also when dressed up to pass the
    composition rules: `Password@123`, `P@ssw0rd!`, `Woaini1314.` are a common word with a capital,
    symbols, digits or look-alike characters, and are guessed first."""

    def candidates(self, password: str) -> set[str]:
        lowered = password.lower().strip()
        core = _EDGES.sub("", lowered)
        found = {lowered, core, lowered.translate(_LEET), _EDGES.sub("", lowered.translate(_LEET))}
        return {c for c in found if c}

    def validate(self, password, user=None):
        common = self.passwords | _chinese_common()
        if self.candidates(password) & common:
            raise ValidationError(
                _("这是常用密码（或常用密码加数字、符号），容易被猜中，请换一个。"),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("不能使用常用密码，也不能只在常用密码前后加数字或符号。")
