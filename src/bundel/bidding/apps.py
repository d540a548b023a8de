from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiddingConfig(AppConfig):
    name = "bundel.bidding"
    verbose_name = _("Questions and bids")
