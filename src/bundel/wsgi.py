import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bundel.conf.production")
application = get_wsgi_application()


def _freeze_what_is_loaded() -> None:
    """Load the URL conf (and with it every view, form and serializer), then move all
    objects made so far out of the garbage collector's sight: they live as long as the
    process, and a full collection walking them all paused a request for about 100 ms
    every few hundred requests (docs/performance.md, fifth pass). Requests' own garbage
    is collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    gc.collect()  # what the imports left behind is garbage, not to be kept for good
    gc.freeze()


_freeze_what_is_loaded()
