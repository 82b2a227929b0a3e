"""Vendor adapters: one module per vendor, named as its sandbox module (``sandbox/<vendor>.py``).

An adapter turns an :class:`~provisioning.models.Operation` into calls to its vendor's API and
answers with an :class:`~provisioning.adapters.base.Outcome`; HTTP failures become the typed
errors of :mod:`provisioning.adapters.base` at the edge.
"""
