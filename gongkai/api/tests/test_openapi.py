"""The OpenAPI document tells the truth (issue 13): which operations take anonymous calls, and one
schema per component name (two `ComplianceOut` classes once made /obligations/compliance disagree
with its declared schema)."""

import importlib
import inspect
import re

import pytest
from django.apps import apps
from django.test import Client
from ninja import Schema

from gongkai.api.urls import api


def operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def concrete(path: str) -> str:
    """The path with its parameters filled: codes with an organisation's code, ids with 1."""
    path = path.replace("{code}", "TA").replace("{org_code}", "TA")
    return re.sub(r"\{\w+\}", "1", path)


def test_every_operation_declares_whether_a_token_is_optional_or_required():
    for path, method, operation in operations():
        assert operation.get("security") in (
            None,
            [{}, {"OptionalBearer": []}],
            [{"TokenRequired": []}],
        ), (method, path, operation.get("security"))


@pytest.mark.django_db
def test_anonymous_calls_are_refused_exactly_where_a_token_is_required(tree):
    client = Client()
    for path, method, operation in operations():
        response = client.generic(method.upper(), concrete(path), "{}", content_type="application/json")
        required = operation.get("security") == [{"TokenRequired": []}]
        assert (response.status_code == 401) == required, (method, path, response.status_code)


def test_each_schema_name_in_the_api_means_one_schema():
    seen = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("gongkai."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                shape = cls.model_json_schema()
                assert seen.setdefault(name, shape) == shape, f"two different API schemas named {name}"
