"""The URL scheme: staff pages under work/<area>/, old addresses redirected, the benchmark's bare page
mounted only when asked for."""

import importlib

import pytest
from django.urls import reverse

import gongkai.portal.urls


@pytest.mark.parametrize(
    "name",
    [
        "disclosure:work_list",
        "obligations:list",
        "applications:work",
        "feedback:work",
        "feedback:record",
        "reports:stats",
    ],
)
def test_staff_pages_live_under_work(name):
    assert reverse(name).startswith("/work/")


def test_old_staff_addresses_redirect(client, people):
    client.force_login(people.clerk_a)
    assert client.get("/feedback/work/?status=all").url == "/work/feedback/?status=all"
    assert client.get("/apply/work/").url == "/work/applications/"
    assert client.get("/apply/stats/?org=TA").url == "/work/reports/stats/?org=TA"


def test_the_benchmark_page_is_mounted_only_when_asked_for(client, db, settings):
    assert client.get("/bench/hello/").status_code == 404

    def names():
        return {p.name for p in gongkai.portal.urls.urlpatterns}

    assert "hello" not in names()
    settings.BENCH_ROUTES = True  # bench/run.sh sets GONGKAI_BENCH=1
    try:
        importlib.reload(gongkai.portal.urls)
        assert "hello" in names()
    finally:
        settings.BENCH_ROUTES = False
        importlib.reload(gongkai.portal.urls)
