"""The Hostway adapter: its handlers per operation kind, the importer, the reads staff wait for."""

from __future__ import annotations

from provisioning.adapters.base import Adapter, handlers_of
from provisioning.vendors.hostway.client import HostwayClient
from provisioning.vendors.hostway.importer import HostwayImporter


class HostwayAdapter(Adapter):
    client_class = HostwayClient
    handlers = handlers_of()
    importer = HostwayImporter
