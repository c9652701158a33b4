"""Demo feedback cases (R18): an online suggestion answered and published, a hotline call open. Idempotent."""

from gongkai.accounts.models import User
from gongkai.orgs.models import Organisation

from . import actions
from .models import Channel, FeedbackCase


def load() -> None:
    clerk = User.objects.filter(username="lianluoyuan").first()
    org = Organisation.objects.filter(code="JLJD-SXA").first()
    if clerk is None or org is None or FeedbackCase.objects.filter(org=org).exists():
        return
    online = actions.submit_online(
        org,
        subject="建议公开栏增加夜间照明",
        content="社区公开栏位于小区门口，晚上看不清内容，建议加装照明。",
        name="王女士",
        contact="13800001234",
    )
    actions.add_note(online, by=clerk, text="已与社区物业沟通，列入本月维修计划。")
    actions.reply_case(
        online, by=clerk, text="感谢您的建议。公开栏照明已列入本月维修计划，预计月底前完成安装。"
    )
    actions.publish_reply(online, by=clerk)
    actions.record_offline(
        org,
        by=clerk,
        channel=Channel.HOTLINE,
        subject="咨询党员组织关系转接办理时间",
        content="来电群众询问党员组织关系转入需要多长时间办理。",
        name="刘先生",
        contact="13900005678",
    )
