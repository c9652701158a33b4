"""Extract messages, fill zh-Hant from the Simplified source by OpenCC, compile every catalogue.

Source strings are written in Simplified Chinese (the default language); English is translated by
hand in gongkai/locale/en/LC_MESSAGES/django.po.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gongkai.lib.zhtext import to_traditional


class Command(BaseCommand):
    help = "Update the zh_Hant and en message catalogues and compile them (.mo)."

    def add_arguments(self, parser):
        parser.add_argument("--no-extract", action="store_true", help="only fill and compile")

    def handle(self, no_extract, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        if not no_extract:
            import os

            cwd = os.getcwd()
            os.chdir(settings.BASE_DIR)
            try:
                call_command("makemessages", locale=["zh_Hant", "en"], no_obsolete=True, verbosity=0)
            finally:
                os.chdir(cwd)
        hant = polib.pofile(str(locale_dir / "zh_Hant/LC_MESSAGES/django.po"))
        for entry in hant:
            entry.msgstr = to_traditional(entry.msgid)
            if entry.msgid_plural:
                entry.msgstr_plural = {0: to_traditional(entry.msgid_plural)}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        hant.save()
        for lang in ("zh_Hant", "en"):
            po = polib.pofile(str(locale_dir / lang / "LC_MESSAGES/django.po"))
            po.save_as_mofile(str(locale_dir / lang / "LC_MESSAGES/django.mo"))
            self.stdout.write(
                f"{lang}: {po.percent_translated()}% translated, {len(po.untranslated_entries())} missing"
            )
