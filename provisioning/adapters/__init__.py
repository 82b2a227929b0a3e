"""The adapter contract (:mod:`.base`) and the vendor HTTP edge (:mod:`.http`).

Each vendor's adapter lives in ``provisioning/vendors/<vendor>/``, named as its sandbox module
(``sandbox/<vendor>.py``): a client built on :class:`.http.VendorClient` and one handler per
operation kind it supports.
"""
