"""First-run setup for `make run`: the shipped DUO registry and one demo login per role."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bundel.accounts.constants import Role
from bundel.accounts.models import User
from bundel.accounts.services import user_create
from bundel.catalogue.demo import load_catalogue
from bundel.membership.demo import seed_demo
from bundel.registry.models import Board, Location
from bundel.subscriptions.demo import seed_demo as seed_subscriptions


class Command(BaseCommand):
    help = "Import the shipped DUO files (first run only) and create the demo accounts."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("setup_demo creates accounts with a known password: DEBUG only.")
        if Location.objects.exists():
            self.stdout.write("Registry already loaded; skipping the DUO import.")
        else:
            self.stdout.write("Importing the DUO registry shipped in data/duo/ ...")
            call_command("import_duo", manifest=settings.DUO_MANIFEST, stdout=self.stdout)
        password = settings.DEMO_PASSWORD
        board = Board.objects.get(duo_number=settings.DEMO_BOARD)
        council_board = Board.objects.get(duo_number=settings.DEMO_COUNCIL_BOARD)
        accounts = [
            ("staf", "Sanne", "de Staf", Role.STAFF, None, ""),
            ("bestuur", "Bram", "Bestuurder", Role.BOARD_CONTACT, board, ""),
            ("raadslid", "Rosa", "Raadslid", Role.COUNCIL_MEMBER, council_board, ""),
            ("leverancier", "Lars", "Leverancier", Role.SUPPLIER, None, "Demo Netwerken B.V."),
        ]
        rows = []
        for username, first, last, role, acts_for, organisation in accounts:
            if not User.objects.filter(username=username).exists():
                user_create(
                    username=username,
                    email=f"{username}@bundel.test",
                    password=password,
                    role=role,
                    board=acts_for,
                    organisation=organisation,
                    first_name=first,
                    last_name=last,
                )
            who = f"{acts_for.duo_number} {acts_for}" if acts_for else organisation or "-"
            rows.append((Role(role).label, username, who))
        staff = User.objects.get(username="staf")
        seeded = seed_demo(staff=staff, exclude={board.duo_number})
        if seeded:
            self.stdout.write(
                f"Demo memberships: {seeded['start_group']} founding members (start group), "
                f"{seeded['coalition']} boards in the coalition of the willing."
            )
        load_catalogue()
        ordered = seed_subscriptions(staff=staff)
        if ordered:
            self.stdout.write(f"Demo catalogue loaded; {ordered} demo subscriptions ordered.")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {password})"))
        for label, username, who in rows:
            self.stdout.write(f"  {label!s:24} {username:12} {who}")
        self.stdout.write("")
        self.stdout.write("Open http://127.0.0.1:8000/  (admin: /admin/, API: /api/v1/docs/)")
