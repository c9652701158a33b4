"""Test factories for oversight, built through the real actions.

    c = commitment(tree.a)                                   # drafted → submitted → reviewed → published
    c = commitment(tree.a, state=CommitmentState.SUBMITTED)  # stop the workflow at any state

The author (a clerk), reviewer and secretary are made on the fly unless passed in, so they never change
what the `people` fixture's users can see or are told.
"""

from gongkai.conftest import UserFactory, grant
from gongkai.orgs.models import Role
from gongkai.oversight import actions
from gongkai.oversight.models import CommitmentKind, CommitmentState

TEXT = "严格按照党务公开目录及时、准确、全面公开党务信息，自觉接受党员群众监督。"


def commitment(
    org, kind=CommitmentKind.ORG, text=TEXT, *, state=CommitmentState.PUBLISHED, author=None, reviewer=None,
    approver=None,
):  # fmt: skip
    author = author or grant(UserFactory(), org, Role.CLERK)
    c = actions.draft_commitment(org, kind=kind, text=text, by=author)
    if state == CommitmentState.DRAFT:
        return c
    c = actions.submit_commitment(c, by=author)
    if state == CommitmentState.SUBMITTED:
        return c
    c = actions.review_commitment(c, by=reviewer or grant(UserFactory(), org, Role.REVIEWER))
    if state == CommitmentState.REVIEWED:
        return c
    return actions.approve_commitment(c, by=approver or grant(UserFactory(), org, Role.SECRETARY))
