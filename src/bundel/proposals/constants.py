from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
