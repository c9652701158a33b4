from django.core.management.base import BaseCommand, CommandError

from gongkai.archive.fixity import check_and_record


class Command(BaseCommand):
    help = (
        "Re-hash every archived snapshot file and every attachment against its SHA-256 taken at ingest; "
        "report changed, missing and untracked files (under archive/) and exit non-zero if there is any."
    )

    def handle(self, **options):
        report = check_and_record()
        for title, paths in (
            ("已改动", report.changed),
            ("缺失", report.missing),
            ("未登记", report.untracked),
        ):
            for path in paths:
                self.stdout.write(f"{title}：{path}")
        if not report.ok:
            raise CommandError(
                f"完整性检查未通过：改动 {len(report.changed)} 个，缺失 {len(report.missing)} 个，"
                f"未登记 {len(report.untracked)} 个（共校验 {report.checked} 个文件）。"
            )
        self.stdout.write(f"完整性检查通过：已校验 {report.checked} 个文件。")
