import pytest

from bundel.catalogue.demo import load_catalogue
from bundel.catalogue.models import Product


@pytest.fixture
def catalogue(db) -> dict[str, Product]:
    load_catalogue()
    return {product.code: product for product in Product.objects.all()}


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
