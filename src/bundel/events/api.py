"""The events API: the events a user may see, registering oneself, and cancelling one's
own registration. The same selectors and services as the pages: an event someone may not
see is a 404 (as one that does not exist); a refusal is a 400 (past the deadline, full
without a waiting list) or a 409 (already registered, cancelled) with the rule's message
and `code`."""

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .constants import EventKind, RegistrationState
from .models import Event, Registration


class MyRegistrationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=RegistrationState.choices)


class EventSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField(
        help_text="the link to join online: only for staff and those with a place"
    )
    confirmed_count = serializers.IntegerField(help_text="people with a place")
    waitlist_count = serializers.IntegerField(help_text="people on the waiting list")
    places_left = serializers.IntegerField(allow_null=True, help_text="null: no limit")
    registration_open = serializers.BooleanField()
    my_registration = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="the event's page")

    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "title",
            "programme",
            "starts_at",
            "ends_at",
            "place",
            "link",
            "capacity",
            "waiting_list",
            "registration_deadline",
            "registration_open",
            "audience",
            "state",
            "cancel_reason",
            "confirmed_count",
            "waitlist_count",
            "places_left",
            "my_registration",
            "url",
        ]

    def _user(self):
        request = self.context.get("request")
        return request.user if request else None

    def get_link(self, event) -> str:
        user = self._user()
        if user and user.is_authenticated and user.is_cooperative_staff:
            return event.link
        return event.link if getattr(event, "my_state", None) == "confirmed" else ""

    @extend_schema_field(MyRegistrationSerializer(allow_null=True))
    def get_my_registration(self, event):
        state = getattr(event, "my_state", None)
        if state is None or state == RegistrationState.CANCELLED:
            return None
        return {"id": event.my_registration_id, "state": state}

    def get_url(self, event) -> str:
        request = self.context.get("request")
        path = event.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id")
    person = serializers.SerializerMethodField()
    board = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField(
        help_text="the position on the waiting list (1 is first); null with a place"
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "event",
            "person",
            "board",
            "state",
            "position",
            "registered_at",
            "confirmed_at",
            "cancelled_at",
        ]

    def get_person(self, registration) -> str:
        user = registration.user
        return user.get_full_name() or user.get_username()

    def get_board(self, registration) -> str | None:
        return registration.board.duo_number if registration.board else None

    def get_position(self, registration) -> int | None:
        return registration.position  # annotated: selectors.with_waitlist_position


WHEN = OpenApiParameter(
    "when", str, enum=["upcoming", "past"], description="default: upcoming (not ended yet)"
)
KIND = OpenApiParameter("kind", str, enum=list(EventKind.values))


class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Events the user may see: staff all; the people of a member board every event; those
    of an interested board the events opened to interested boards; anyone else none."""

    serializer_class = EventSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            params = self.request.query_params
            kind = params.get("kind", "")
            return selectors.events_for(
                user,
                past=params.get("when") == "past",
                kind=kind if kind in EventKind.values else "",
            )
        return selectors.with_figures(selectors.events_visible_to(user), user)

    @extend_schema(parameters=[WHEN, KIND])
    def list(self, request, *args, **kwargs):
        # Cached per viewer (`selectors.viewer`), URL (filters, page, and the host the
        # links name) and language, under the events' version. (A comment: the schema
        # takes an action's docstring as the endpoint's description.)

        def page() -> dict:
            return dict(super(EventViewSet, self).list(request, *args, **kwargs).data)

        parts = (selectors.viewer(request.user), request.build_absolute_uri(), get_language())
        return Response(selectors.cached_list("api-event-list", parts, page))


def _event(request, pk) -> Event:
    return get_object_or_404(selectors.events_visible_to(request.user), pk=pk)


class EventRegistrations(APIView):
    """GET: the event's registrations (staff: everyone's; anyone else: their own).
    POST: register yourself: 201 with a place (`confirmed`) or a position on the waiting
    list (`waitlisted`); 400 past the deadline (`code: deadline`) or when the event is
    full and has no waiting list (`code: full`); 409 when already registered."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RegistrationSerializer(many=True))
    def get(self, request, pk):
        event = _event(request, pk)
        rows = selectors.event_registrations(event, request.user)
        return Response(RegistrationSerializer(rows, many=True).data)

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    def post(self, request, pk):
        event = _event(request, pk)
        registration = services.registration_register(event=event, by=request.user)
        fresh = selectors.with_waitlist_position(
            selectors.registrations_visible_to(request.user)
        ).get(pk=registration.pk)
        return Response(RegistrationSerializer(fresh).data, status=status.HTTP_201_CREATED)


class EventRegistrationDetail(APIView):
    """GET: one registration (your own; staff any). DELETE: cancel it (204); a place set
    free goes to the first on the waiting list, who is told by e-mail."""

    permission_classes = [IsAuthenticated]

    def _registration(self, request, pk, registration_pk) -> Registration:
        event = _event(request, pk)
        return get_object_or_404(
            selectors.with_waitlist_position(selectors.registrations_visible_to(request.user)),
            event=event,
            pk=registration_pk,
        )

    @extend_schema(responses=RegistrationSerializer)
    def get(self, request, pk, registration_pk):
        registration = self._registration(request, pk, registration_pk)
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk, registration_pk):
        registration = self._registration(request, pk, registration_pk)
        services.registration_cancel(registration=registration, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
