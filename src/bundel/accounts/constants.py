from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    BOARD_CONTACT = "board_contact", _("Board contact")
    COUNCIL_MEMBER = "council_member", _("Council member")
    SUPPLIER = "supplier", _("Supplier")
