"""The data the permission matrix walks the site with: one member board with its contact
and a seated council member, an outsider board (not a member) with its contact, staff and
a supplier (both with an authenticator app), and one object of every kind a URL names,
made through the services where they exist (the states the pages expect)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bundel.accounts.constants import Role
from bundel.bidding import services as bidding_services
from bundel.bidding.models import BidAttachment
from bundel.catalogue.demo import load_catalogue
from bundel.events import services as event_services
from bundel.governance.services import election_open
from bundel.governance.services.meetings import document_add, meeting_create, proposal_add
from bundel.groups import services as group_services
from bundel.groups.models import Notification
from bundel.proposals.models import ProposalBatch
from bundel.subscriptions import services as subscription_services
from bundel.subscriptions.services import OrderLine

from ..bidding import factories as bidding
from ..contracts.factories import admit, make_contract
from ..events.factories import EventFactory
from ..factories import BoardFactory, LocationFactory, PupilCountFactory, StaffFactory, UserFactory
from ..governance.factories import AppointmentFactory, pdf_upload
from ..groups.files import PDF
from ..knowledge.factories import make_document, pdf_bytes, upload
from ..tenders.factories import demand_tender
from .helpers import give_device

ROLES = ("anonymous", "staff", "member", "outsider", "council", "supplier")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    world = World()
    o = world.objects
    today = timezone.localdate()
    load_catalogue()

    staff = StaffFactory(username="m_staff")
    board = BoardFactory(duo_number="41211", name="Stichting Lid")
    location = LocationFactory(board=board, place="VALKENSWAARD")
    PupilCountFactory(location=location, pupils=812)
    o["membership"] = admit(board, staff, on=today - timedelta(days=60))
    member = UserFactory(board=board, username="m_member")
    council = UserFactory(board=board, username="m_council", role=Role.COUNCIL_MEMBER)
    outsider_board = BoardFactory(duo_number="10249", name="Stichting Buiten")
    LocationFactory(board=outsider_board)
    outsider = UserFactory(board=outsider_board, username="m_outsider")
    supplier = bidding.make_supplier("m_supplier", "Netwerk B.V.")
    give_device(staff)
    give_device(supplier)
    world.users = {
        "staff": staff,
        "member": member,
        "outsider": outsider,
        "council": council,
        "supplier": supplier,
    }
    o.update(board=board, location=location, outsider_board=outsider_board, member_user=member)

    # Services: a subscription and a migration wave of the member board.
    start = date(today.year + 1, 1, 1)
    o["subscription"] = subscription_services.order_place(
        board=board,
        lines=[
            OrderLine(location.code, "connectivity", "1g", start),
            OrderLine(location.code, "security", None, start),
        ],
        by=member,
    )[0]
    o["wave"] = subscription_services.wave_create(
        board=board,
        name="Golf 1",
        on=start - timedelta(days=30),
        locations=[location.code],
        by=member,
    )
    o["batch"] = ProposalBatch.objects.create(created_by=staff, total=1, done=1, state="done")

    # Governance: a seat, an election, a council meeting with a document and a proposal.
    o["appointment"] = AppointmentFactory(
        user=council,
        board=board,
        email=council.email,
        chamber="small",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=1000),
    )
    now = timezone.now()
    o["election"] = election_open(
        title="Ledenraad 2027",
        seats={"small": 1},
        nomination_opens_at=now - timedelta(hours=1),
        nomination_closes_at=now + timedelta(days=2),
        voting_opens_at=now + timedelta(days=3),
        voting_closes_at=now + timedelta(days=6),
        by=staff,
    )
    o["meeting"] = meeting_create(
        kind="council",
        title="Ledenraadvergadering",
        starts_at=now + timedelta(days=7),
        place="Utrecht",
        agenda="1. Opening",
        by=staff,
    )
    o["meeting_document"] = document_add(
        meeting=o["meeting"], title="Voorstel", file=pdf_upload(), by=staff
    )
    o["proposal"] = proposal_add(
        meeting=o["meeting"], title="Voorstel 1", text="De ledenraad stemt in.", by=staff
    )

    # Tenders: one in demand registration with the member's demand; one published for
    # bids, with a document, a question and the supplier's bid with an attachment.
    o["demand_tender"] = demand_tender(by=staff, title="Connectiviteit 2028")
    o["tender"] = bidding.make_tender(by=staff)
    o["tender_document"] = bidding_services.document_upload(
        tender=o["tender"], title="Leidraad", upload=bidding.upload(), by=staff
    )
    bidding_services.question_ask(tender=o["tender"], text="Hoeveel locaties?", by=supplier)
    o["bid"] = bidding.submit(o["tender"], supplier, attachments=[bidding.upload("plan.pdf")])
    o["attachment"] = BidAttachment.objects.get(content__bid=o["bid"])
    o["contract"] = make_contract(by=staff, boards=[board])

    # Knowledge: a members-only document with a file.
    o["document"] = make_document(
        staff,
        title="Wifi-richtlijnen",
        upload=upload("wifi.pdf", pdf_bytes("Wifi"), "application/pdf"),
    )

    # Groups: the member and the council member take part; the council member's thread
    # notifies the member; the member's file; a dialogue session with the supplier.
    group = group_services.group_create(name="Wifi in het po", kind="topic", by=staff)
    group_services.group_join(group=group, by=member)
    group_services.group_join(group=group, by=council)
    o["group"] = group
    o["thread"] = group_services.thread_start(
        group=group, title="Access points", body="Hoeveel?", by=council
    )
    o["notification"] = Notification.objects.filter(user=member).first()
    o["group_file"] = group_services.file_upload(
        group=group, upload=upload("agenda.pdf", PDF, "application/pdf"), by=member
    )
    o["session"] = group_services.session_plan(
        group=group,
        title="Dialoog",
        supplier_name="Netwerk B.V.",
        starts_at=now + timedelta(days=10),
        place="Utrecht",
        agenda="1. Opening",
        suppliers=[supplier],
        by=staff,
    )

    # Events: a members' workshop the member registered for; the member's calendar feed.
    o["event"] = EventFactory(title="Workshop")
    o["registration"] = event_services.registration_register(event=o["event"], by=member)
    o["feed"] = event_services.feed_renew(user=member, by=member)

    o["reset_uid"] = urlsafe_base64_encode(force_bytes(member.pk))
    o["reset_token"] = default_token_generator.make_token(member)
    return world


def role_clients(world: "World") -> dict:
    """A test client per role of `world`, logged in; staff and the supplier have also given
    their authenticator code. Requests that fail answer 500 instead of raising."""
    from django.test import Client

    from .helpers import code

    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        if role in ("staff", "supplier"):
            device = user.totpdevice_set.get()
            answer = client.post("/accounts/two-factor/verify/", {"otp_token": code(device)})
            assert answer.status_code == 302
        clients[role] = client
    return clients
