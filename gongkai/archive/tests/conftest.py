import pytest


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    """Each test gets its own file storage."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    yield
