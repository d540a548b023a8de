"""The Celery app: background work (imports, bulk PDFs, e-mails, the daily ticks).

Configured from Django's settings, every `CELERY_*` setting (see bundel.conf.base). Run a
worker with `celery -A bundel worker` and the scheduler of the daily jobs with
`celery -A bundel beat`. Without a broker (`make run`, `make test`) the tasks run in
the process that starts them (`CELERY_TASK_ALWAYS_EAGER`).
"""

import os

from celery import Celery

# Like the WSGI entry point: a worker or beat started without DJANGO_SETTINGS_MODULE runs
# with the production settings (which refuse to start without SECRET_KEY and friends).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bundel.conf.production")

app = Celery("bundel")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py.
app.autodiscover_tasks()
