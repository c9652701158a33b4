"""Encryption at rest for personal data (SECURITY 16): a database dump shows only ciphertext.

Fernet (AES-128-CBC + HMAC-SHA256, random IV) keyed by HKDF-SHA256 from `GONGKAI_DATA_KEY` when set,
else from `SECRET_KEY`. Stored values carry a version prefix, so plaintext rows written before the
field was encrypted are recognised (and encrypted by the migration), never mistaken for ciphertext.
"""

import base64
import functools
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


def _key_material() -> str:
    return (
        os.environ.get("GONGKAI_DATA_KEY") or getattr(settings, "GONGKAI_DATA_KEY", "") or settings.SECRET_KEY
    )


@functools.cache
def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"gongkai personal data v1").derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(value: str) -> str:
    if not value or is_encrypted(value):
        return value
    return PREFIX + _fernet(_key_material()).encrypt(value.encode()).decode("ascii")


def decrypt(value: str) -> str:
    if not is_encrypted(value):
        return value  # empty, or a plaintext row not yet migrated
    try:
        return _fernet(_key_material()).decrypt(value[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken:
        # Garbage shown as a name would hide the fault; a changed key must be noticed at once.
        raise ImproperlyConfigured(
            "Encrypted personal data cannot be decrypted: GONGKAI_DATA_KEY (or SECRET_KEY) has changed."
        ) from None


class EncryptedTextField(models.TextField):
    """Text encrypted on the way to the database and decrypted on the way back. Only exact
    lookups against the empty string make sense (the ciphertext is randomised)."""

    def from_db_value(self, value, expression, connection):
        return value if value is None else decrypt(value)

    def to_python(self, value):
        value = super().to_python(value)
        return value if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None else encrypt(value)
