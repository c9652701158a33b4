import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.lib import crypto


def test_round_trip_randomised_and_prefixed():
    a, b = crypto.encrypt("张三丰"), crypto.encrypt("张三丰")
    assert a.startswith(crypto.PREFIX) and a != b and "张三丰" not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == "张三丰"


def test_empty_and_plaintext_pass_through():
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""
    assert crypto.decrypt("13812345678") == "13812345678"  # a legacy row before the migration
    token = crypto.encrypt("x")
    assert crypto.encrypt(token) == token  # never encrypted twice


def test_data_key_overrides_secret_key_and_a_changed_key_is_refused(monkeypatch):
    token = crypto.encrypt("13812345678")
    monkeypatch.setenv("GONGKAI_DATA_KEY", "another key entirely")
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)
    other = crypto.encrypt("13812345678")
    assert crypto.decrypt(other) == "13812345678"
    monkeypatch.delenv("GONGKAI_DATA_KEY")
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(other)
