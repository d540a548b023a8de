"""First-run setup for `make run`: the shipped DUO registry and one demo login per role."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from bundel.accounts.constants import Role
from bundel.accounts.demo import seed_totp_devices
from bundel.accounts.models import User
from bundel.accounts.services import user_create
from bundel.bidding.demo import seed_demo as seed_bidding
from bundel.catalogue.demo import load_catalogue
from bundel.contracts.demo import seed_demo as seed_contracts
from bundel.events.demo import seed_demo as seed_events
from bundel.governance.demo import seed_elections
from bundel.governance.demo_bodies import seed_bodies
from bundel.groups.demo import seed_demo as seed_groups
from bundel.knowledge.demo import seed_demo as seed_knowledge
from bundel.membership.demo import seed_demo
from bundel.membership.models import Membership
from bundel.registry.models import Board, Location
from bundel.subscriptions.demo import seed_demo as seed_subscriptions
from bundel.tenders.demo import seed_demo as seed_tenders


class Command(BaseCommand):
    help = "Import the shipped DUO files (first run only) and create the demo accounts."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("setup_demo creates accounts with a known password: DEBUG only.")
        # The demo's made-up history would otherwise e-mail its made-up people.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._setup()

    def _setup(self) -> None:
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
        seeded = seed_demo(
            staff=staff, exclude={board.duo_number}, founding=council_board.duo_number
        )
        if seeded:
            self.stdout.write(
                f"Demo memberships: {seeded['start_group']} founding members (start group), "
                f"{seeded['coalition']} boards in the coalition of the willing."
            )
        member = self._member_contact(password)
        rows.insert(
            2,
            (
                Role.BOARD_CONTACT.label,
                member.username,
                f"{member.board.duo_number} {member.board}",
            ),
        )
        load_catalogue()
        ordered = seed_subscriptions(staff=staff)
        if ordered:
            self.stdout.write(f"Demo catalogue loaded; {ordered} demo subscriptions ordered.")
        tenders = seed_tenders(staff=staff)
        if tenders:
            self.stdout.write(f"Demo tenders: {tenders}.")
        bidding = seed_bidding(staff=staff)
        if bidding:
            self.stdout.write(f"Demo questions and bids: {bidding} items.")
        if seed_contracts(staff=staff):
            self.stdout.write("Demo framework contract with its rates and call-offs.")
        seated = seed_elections(staff=staff, council_user=User.objects.get(username="raadslid"))
        if seated:
            self.stdout.write(
                f"Demo council election counted: {seated} seats filled; a by-election is open."
            )
        if seed_bodies(staff=staff):
            self.stdout.write("Demo board, supervisory board and meetings with decisions.")
        documents = seed_knowledge(staff=staff)
        if documents:
            self.stdout.write(f"Demo knowledge base: {documents} documents.")
        posts = seed_groups(staff=staff)
        if posts:
            self.stdout.write(f"Demo member groups: {posts} posts.")
        events = seed_events(staff=staff)
        if events:
            self.stdout.write(f"Demo events: {events}.")
        totp = seed_totp_devices()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {password})"))
        for label, username, who in rows:
            self.stdout.write(f"  {label!s:24} {username:12} {who}")
        if totp:
            self.stdout.write("")
            self.stdout.write(
                "Staff and suppliers also give a code from an authenticator app "
                "(two-factor login). The demo accounts share this secret:"
            )
            for username, secret in totp.items():
                self.stdout.write(f"  {username:12} {secret}")
            self.stdout.write(
                "  or print the current code: python manage.py demo_totp staf   (or leverancier)"
            )
        self.stdout.write("")
        self.stdout.write("Open http://127.0.0.1:8000/  (admin: /admin/, API: /api/v1/docs/)")

    def _member_contact(self, password: str) -> User:
        """`lid`: the contact of the first founding member, to try what members do."""
        user = User.objects.filter(username="lid").first()
        if user is not None:
            return user
        board = (
            Membership.objects.filter(is_founding=True).order_by("board__duo_number").first().board
        )
        return user_create(
            username="lid",
            email="lid@bundel.test",
            password=password,
            role=Role.BOARD_CONTACT,
            board=board,
            organisation="",
            first_name="Lies",
            last_name="Lid",
        )
