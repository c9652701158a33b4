"""Demo applications (R16–R17): one answered, one waiting for 补正, one open. Idempotent."""

from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.orgs.models import Organisation

from . import actions
from .models import AnswerType, Application, Pause

APPLICATIONS = [
    ("2024年度党费收缴、使用和管理情况", "请公开本支部2024年度党费收缴明细及使用情况。", "answered"),
    ("上半年“三会一课”开展情况", "请公开本支部2025年上半年支部党员大会、支委会召开情况。", "supplement"),
    ("发展党员工作计划", "请公开本支部本年度发展党员工作计划及培养联系人安排。", "open"),
]


def load() -> None:
    member = User.objects.filter(username="dangyuan").first()
    clerk = User.objects.filter(username="lianluoyuan").first()
    org = Organisation.objects.filter(code="JLJD-SXA").first()
    if member is None or clerk is None or org is None:
        return
    for title, description, state in APPLICATIONS:
        if Application.objects.filter(applicant=member, title=title).exists():
            continue
        a = actions.submit_application(
            org, by=member, title=title, description=description, purpose="了解支部工作"
        )
        if state == "answered":
            actions.answer_application(
                a,
                by=clerk,
                answer_type=AnswerType.DISCLOSED,
                text="经核实，本支部2024年度党费收缴、使用和管理情况已于年初在支部公开栏公布，现将有关情况答复如下：全年应缴、实缴党费一致，使用情况已报街道党工委备案。",
            )
        elif state == "supplement":
            actions.pause_application(
                a,
                by=clerk,
                kind=Pause.Kind.SUPPLEMENT,
                note="请写明需要公开的具体月份",
                on=timezone.localdate(),
            )
