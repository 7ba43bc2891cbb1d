"""Give a staff user a role: an office editor of some offices, or an HQ editor."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from offices.models import Office
from reports import roles


class Command(BaseCommand):
    help = (
        "職員を事務所の編集者（担当する事務所を指定）または本部の編集者（--hq）にします。"
        " 例: assign_offices tanaka seoul beijing / assign_offices suzuki --hq"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="ユーザー名")
        parser.add_argument("offices", nargs="*", metavar="CODE", help="事務所コード（例: seoul）")
        parser.add_argument(
            "--hq", action="store_true", help="本部の編集者にします（全事務所、公開・取り込み）。"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="担当事務所を指定したものだけにします（既定では追加）。",
        )

    @transaction.atomic
    def handle(self, *args, username, offices, hq, replace, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"ユーザー '{username}' はいません。先に作成してください。")
        if not offices and not hq:
            raise CommandError("事務所コードを 1 つ以上、または --hq を指定してください。")
        found = {office.code: office for office in Office.objects.filter(code__in=offices)}
        unknown = [code for code in offices if code not in found]
        if unknown:
            known = ", ".join(Office.objects.values_list("code", flat=True))
            raise CommandError(
                f"事務所コード {', '.join(unknown)} はありません。使えるのは: {known}"
            )

        user.is_staff = True
        user.save(update_fields=["is_staff"])
        group = Group.objects.get(name=roles.HQ_EDITORS if hq else roles.OFFICE_EDITORS)
        user.groups.add(group)
        if replace:
            user.offices.set(found.values())
        else:
            user.offices.add(*found.values())

        role = "本部の編集者" if hq else "事務所の編集者"
        codes = ", ".join(user.offices.values_list("code", flat=True)) or "なし"
        self.stdout.write(self.style.SUCCESS(f"{username} を{role}にしました。担当事務所: {codes}"))
