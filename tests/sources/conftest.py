"""The inbox tests use the pipeline's small catalog, portal session and ledger."""

from tests.pipeline.conftest import ledger, mini, session  # noqa: F401
