import os
import subprocess
import sys

import pytest


def run_gongkai(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "gongkai.manage", *args],
        env={**os.environ, "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be"),
        ({"REDIS_URL": "http://127.0.0.1"}, "REDIS_URL must start"),
        ({"GONGKAI_ENV": "production", "SECRET_KEY": ""}, "SECRET_KEY is required"),
        ({"GONGKAI_ENV": "staging"}, "GONGKAI_ENV must be"),
    ],
)
def test_bad_settings_fail_loudly(env, message):
    result = run_gongkai("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    production = {
        "GONGKAI_ENV": "production",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-tests",
        "ALLOWED_HOSTS": "dangwu.example.cn",
        "GONGKAI_VAR_DIR": str(tmp_path),
    }
    collected = run_gongkai("collectstatic", "--no-input", **production)  # as a deployment does first
    assert collected.returncode == 0, collected.stderr
    result = run_gongkai(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
