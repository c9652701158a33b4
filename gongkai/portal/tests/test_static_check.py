"""Production without collectstatic stops at start with a clear message (not a 500 on every page)."""

from gongkai.tests.test_settings import run_gongkai

PRODUCTION = {"GONGKAI_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.cn"}


def test_production_without_collected_static_files_fails_the_check(tmp_path):
    done = run_gongkai("check", "--deploy", GONGKAI_VAR_DIR=str(tmp_path), **PRODUCTION)
    assert done.returncode != 0 and "collectstatic" in done.stderr


def test_the_web_application_refuses_to_start_without_them(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import gongkai.wsgi"],
        env={
            **__import__("os").environ,
            "DATABASE_URL": "sqlite:///:memory:",
            "GONGKAI_VAR_DIR": str(tmp_path),
            **PRODUCTION,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "collectstatic" in done.stderr
    assert "ImproperlyConfigured" in done.stderr
