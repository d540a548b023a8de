from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Role


class BundelUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.STAFF)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. A board contact acts for exactly one board."""

    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    board = models.ForeignKey(
        "registry.Board",
        on_delete=models.PROTECT,
        related_name="contacts",
        null=True,
        blank=True,
        verbose_name=_("board"),
        help_text=_("The board a board contact acts for; a council member's own board."),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("The company of a supplier."),
    )

    objects = BundelUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.BOARD_CONTACT) | models.Q(board__isnull=False),
                name="accounts_user_board_contact_has_board",
                violation_error_message=_("A board contact must act for a board."),
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.SUPPLIER) | models.Q(board__isnull=True),
                name="accounts_user_supplier_has_no_board",
                violation_error_message=_("A supplier account does not act for a school board."),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.BOARD_CONTACT and not self.board_id:
            raise ValidationError({"board": _("A board contact must act for a board.")})
        if self.role == Role.SUPPLIER and self.board_id:
            raise ValidationError(
                {"board": _("A supplier account does not act for a school board.")}
            )
        if self.role == Role.SUPPLIER and not self.organisation:
            raise ValidationError({"organisation": _("A supplier account names its company.")})

    @property
    def is_cooperative_staff(self) -> bool:
        return self.is_active and (self.role == Role.STAFF or self.is_superuser)

    @property
    def is_board_contact(self) -> bool:
        return self.is_active and self.role == Role.BOARD_CONTACT

    def has_perm(self, perm, obj=None) -> bool:
        # The staff role is what grants the admin; the admin classes and services
        # still refuse what nobody may do (e.g. editing DUO's pupil counts).
        return self.is_cooperative_staff or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self.is_cooperative_staff or super().has_module_perms(app_label)

    def acts_for(self, board) -> bool:
        return self.is_board_contact and board is not None and self.board_id == board.pk
