"""Production serves hashed static files from STATIC_ROOT (collectstatic). Without them every page would
fail on its first {% static %}: refuse to start instead, with the command that fixes it."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

MESSAGE = "静态文件尚未收集：请先运行 `gongkai collectstatic --no-input`（GONGKAI_ENV=production 需要）。"


def missing_manifest() -> bool:
    if not getattr(settings, "PRODUCTION", False):
        return False
    from django.contrib.staticfiles.storage import staticfiles_storage

    manifest = getattr(staticfiles_storage, "manifest_name", None)
    return bool(manifest) and not staticfiles_storage.exists(manifest)


# A deploy check: migrate and collectstatic itself must still run without the files.
@checks.register(checks.Tags.staticfiles, deploy=True)
def static_files_collected(app_configs=None, **kwargs):
    if missing_manifest():
        return [checks.Error(MESSAGE, hint="collectstatic writes STATIC_ROOT", id="gongkai.E001")]
    return []


def assert_static_collected() -> None:
    """Called when the web application starts (wsgi): gunicorn runs no system checks."""
    if missing_manifest():
        raise ImproperlyConfigured(MESSAGE)
