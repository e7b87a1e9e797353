import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failed sign-in counts live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()
