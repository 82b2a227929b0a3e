"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from sandbox.testing import running_sandbox
from tests.factories import PASSWORD, StaffFactory


@pytest.fixture(autouse=True)
def _fresh_engine_memory():
    """What the engine remembers in-process (action timings) never leaks from one test to the next."""
    from provisioning.services import polling

    polling.forget()


@pytest.fixture
def staff(db):
    return StaffFactory(username="staffer")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture(scope="session")
def sandbox_server():
    """All five vendor sandboxes, served over real HTTP on an ephemeral port for the session."""
    with running_sandbox() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server):
    """The sandboxes, back at their demo estate with no faults, for one test."""
    sandbox_server.reset()
    return sandbox_server


__all__ = ["PASSWORD"]
