"""Who counts as what."""

import pytest


@pytest.mark.django_db
def test_a_supplier_account_acts_for_no_school_board():
    from django.db import IntegrityError, transaction

    from tests.factories import BoardFactory, UserFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role="supplier", organisation="Netwerk B.V.", board=BoardFactory())
