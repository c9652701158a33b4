"""The API's OpenAPI components: one name, one schema."""


def test_every_schema_name_is_used_once():
    """Two ninja schemas of one name share one OpenAPI component: one app's answer would then be
    checked (and documented) against the other's fields."""
    import collections

    from ninja import Schema

    import gongkai.api.urls  # noqa: F401  (every router, so every schema, is loaded)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    named = collections.defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("gongkai."):
            named[cls.__name__].add(tuple(cls.model_fields))
    assert not {name for name, shapes in named.items() if len(shapes) > 1}
