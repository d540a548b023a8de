"""Run calls at the same moment on separate database connections (PostgreSQL tests).

Use with `@pytest.mark.postgresql` and `@pytest.mark.django_db(transaction=True)`: each
thread opens its own connection, so the calls really race inside the database.
"""

import threading

from django.db import connections


def run_at_once(*calls):
    """Start every call together (a barrier), wait for all, and return per call either its
    result or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = call()
        except BaseException as error:  # handed back to the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
