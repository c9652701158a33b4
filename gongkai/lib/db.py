"""Small database helpers shared by every app's actions."""


def locked(obj, *related: str):
    """`obj` re-read under a row lock (select_for_update) for the rest of the transaction, with
    `related` joined but not locked: an action decides on the fresh row, never on the caller's copy."""
    return type(obj)._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=obj.pk)
