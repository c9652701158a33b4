"""Django admin for the superuser (issue 14): every model of the project, with list columns,
filters and search derived from its fields. Read-only wherever a change must go through an action
(its transaction, row lock, state checks and audit entry): items, the audit chain, the archive and
everything else with actions. Personal data kept encrypted, file bytes and password hashes are never
shown. The catalogue, notifications and reference rows stay editable."""

from django.apps import apps
from django.contrib import admin
from django.db import models
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.lib.crypto import EncryptedTextField

# Apps whose rows have no action of their own: the superuser may correct them here.
EDITABLE_APPS = {"catalogue", "notifications"}
# Never displayed: ciphertext, stored file bytes, password hashes, token digests.
HIDDEN_FIELDS = {"password", "digest", "data"}
PROJECT_PREFIX = "gongkai."


def _shown(field) -> bool:
    return not (
        isinstance(field, (EncryptedTextField, models.BinaryField))
        or field.name in HIDDEN_FIELDS
        or not field.concrete
    )


def admin_for(model) -> type[admin.ModelAdmin]:
    fields = [f for f in model._meta.get_fields() if getattr(f, "concrete", False) and not f.many_to_many]
    shown = [f for f in fields if _shown(f)]
    internal = {"path", "org_path", "hash", "prev_hash", "id"}
    columns = ["__str__"] + [
        f.name
        for f in shown
        if not isinstance(f, (models.TextField, models.JSONField)) and f.name not in internal
    ][:5]
    filters = [
        f.name
        for f in shown
        if (f.choices and not isinstance(f, models.IntegerField)) or isinstance(f, models.BooleanField)
    ][:4]
    filters += [f.name for f in shown if isinstance(f, models.IntegerField) and f.choices][:1]
    search = [
        f.name for f in shown if isinstance(f, models.CharField) and not f.choices and f.name not in internal
    ][:4]
    editable = model._meta.app_label in EDITABLE_APPS
    attrs = {
        "list_display": columns,
        "list_filter": filters,
        "search_fields": search,
        "exclude": [f.name for f in fields if not _shown(f) and f.editable] or None,
        "list_select_related": False,
        "show_full_result_count": False,
    }
    if not editable:
        attrs.update(
            readonly_fields=[f.name for f in shown],
            has_add_permission=lambda self, request: False,
            has_change_permission=lambda self, request, obj=None: False,
            has_delete_permission=lambda self, request, obj=None: False,
        )
    return type(f"{model.__name__}Admin", (admin.ModelAdmin,), attrs)


def register_all() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PREFIX):
            continue
        for model in config.get_models():
            if model._meta.managed and not admin.site.is_registered(model):
                admin.site.register(model, admin_for(model))


register_all()
admin.site.site_header = admin.site.site_title = "Gongkai 系统管理"
# Only the superuser: Django's is_staff flag means nothing else in Gongkai (roles are memberships).
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

# django-otp's own device admins add routes with unbounded <int:pk> (and show the TOTP secret's QR
# code): second factors are reset with `gongkai reset_second_factor`, not edited here.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)
