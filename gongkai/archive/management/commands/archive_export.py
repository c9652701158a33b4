from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.archive.export import ExportError, export_bag
from gongkai.orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "Write the archive of one organisation and year to DIR as a BagIt bag (sha256 and sha512 "
        "manifests) with a Chinese index (data/index.csv, data/index.html). Every file is checked "
        "against its ingest digest while copied. Validate with: bagit.py --validate DIR"
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--tree", action="store_true", help="include the organisations below it")
        parser.add_argument("directory")

    def handle(self, org, year, tree, directory, **options):
        try:
            organisation = Organisation.objects.get(code=org)
        except Organisation.DoesNotExist:
            raise CommandError(f"没有代码为 {org} 的党组织。") from None
        try:
            bag, files = export_bag(organisation, year, Path(directory), include_descendants=tree)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        bag.validate()
        self.stdout.write(f"已导出 {files} 个文件到 {directory}，档案包校验通过。")
