from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from gongkai.accounts.models import ApiToken

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    return time_machine.travel(datetime(y, m, d, hour, tzinfo=TZ), tick=False)


def moment(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=TZ)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}
