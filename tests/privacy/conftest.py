"""Privacy tests use the API tests' clients."""

from tests.api.conftest import api, reader  # noqa: F401 - fixtures
