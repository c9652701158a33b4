"""The two refusals every action raises. Pages show their message (gongkai.lib.pages.run_action), the
API answers 400 or 403 with it as {"detail": …} (gongkai.api.urls), jobs and commands let them rise."""

from django.core.exceptions import ValidationError


class ActionError(ValidationError):
    """A refused action (bad input, wrong state); its message is shown to the user as it is."""


class NotAllowed(ActionError):
    """The actor may not do this; raised by gongkai.access.require after the denial is audited."""


def message_of(exc: ValidationError) -> str:
    """One line for the user from any ValidationError, its messages joined in the Chinese way."""
    return "；".join(str(m) for m in exc.messages)
