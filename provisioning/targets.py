"""The registry of target types: the objects operations change, filled by the apps that own them.

The engine never imports those apps. Each owning app registers a :class:`TargetType` for each of
its models from its ``AppConfig.ready()`` (as Sentry registers its outbox receivers per category):
how to lock a row, how to name and link it, and how to write back what a vendor said about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class Facts:
    """What a vendor said about one target: its id, its state, and other attributes it reported."""

    vendor_id: str | None = None
    vendor_state: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.vendor_id is not None or self.vendor_state is not None or bool(self.attrs)


@dataclass(frozen=True)
class TargetRef:
    """A target as the engine and the handlers see it: ids, state and name, no model instance."""

    type: str
    pk: int
    vendor_id: str
    vendor_state: str
    label: str
    customer_id: int | None = None
    vendor_account_id: int | None = None
    # What the owning app tells a handler about the target beyond ids and state (TargetType.attrs_of):
    # e.g. the domains a Greenview client holds, built from local state when the step runs.
    attrs: dict[str, Any] = field(default_factory=dict)


class TargetType:
    """How the engine reaches one kind of target. Subclass per model in the owning app."""

    name: str = ""
    label: str = ""
    model: type[models.Model]
    url_name: str = ""
    # Attributes a vendor's Facts may set besides vendor_id and vendor_state.
    writable_attrs: frozenset[str] = frozenset()
    # The field holding what the vendor last said (None: the model has none).
    state_field: str | None = "vendor_state"

    def lock(self, pk: int) -> None:
        """Lock the row inside the caller's transaction (per-target order of enqueued operations)."""
        list(self.model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))

    def describe(self, obj: models.Model) -> str:
        return str(obj)

    def customer_id_of(self, obj: models.Model) -> int | None:
        return getattr(obj, "customer_id", None)

    def vendor_account_id_of(self, obj: models.Model) -> int | None:
        return getattr(obj, "vendor_account_id", None)

    def queryset(self) -> models.QuerySet:
        return self.model.objects.all()

    def ref(self, pk: int) -> TargetRef | None:
        obj = self.queryset().filter(pk=pk).first()
        return self.ref_of(obj) if obj is not None else None

    def attrs_of(self, obj: models.Model) -> dict[str, Any]:
        """Local state a handler may need beyond ids and state (none by default)."""
        return {}

    def ref_of(self, obj: models.Model) -> TargetRef:
        return TargetRef(type=self.name, pk=obj.pk, vendor_id=getattr(obj, "vendor_id", "") or "",
                         vendor_state=getattr(obj, self.state_field or "", "") or "", label=self.describe(obj),
                         customer_id=self.customer_id_of(obj), vendor_account_id=self.vendor_account_id_of(obj),
                         attrs=self.attrs_of(obj))

    def labels(self, pks: list[int]) -> dict[int, str]:
        """Names of many targets in one query (operation and alert lists)."""
        return {obj.pk: self.describe(obj) for obj in self.queryset().filter(pk__in=pks)}

    def url(self, pk: int) -> str:
        return reverse(self.url_name, args=[pk]) if self.url_name else ""

    def find(self, *, vendor_account_id: int, vendor_id: str) -> int | None:
        """The local id of the target the vendor knows as ``vendor_id`` on that account."""
        return None

    def fix_url(self, pk: int, alert_kind: str) -> str:
        """A page fragment offering the fix for an alert of ``alert_kind`` in place ("" when none)."""
        return ""

    def apply(self, pk: int, facts: Facts) -> None:
        """Write what the vendor said onto the row; unknown attributes or states are the adapter's bug."""
        unknown = set(facts.attrs) - self.writable_attrs
        if unknown:
            raise ValueError(f"{self.name} has no writable attributes {sorted(unknown)}")
        updates: dict[str, Any] = dict(facts.attrs)
        if facts.vendor_id is not None:
            updates["vendor_id"] = facts.vendor_id
        if facts.vendor_state is not None and self.state_field:
            choices = self.model._meta.get_field(self.state_field).choices
            if choices and facts.vendor_state not in {value for value, _ in choices}:
                raise ValueError(f"unknown vendor state {facts.vendor_state!r} for {self.name}")
            updates[self.state_field] = facts.vendor_state
        if not updates:
            return
        if "last_synced_at" in {f.name for f in self.model._meta.concrete_fields}:
            updates["last_synced_at"] = timezone.now()
        self.model.objects.filter(pk=pk).update(**updates)


_REGISTRY: dict[str, TargetType] = {}


def register(target_type: TargetType) -> None:
    """Called from the owning app's ``ready()``; registering one name twice is a bug."""
    existing = _REGISTRY.get(target_type.name)
    if existing is not None and type(existing) is not type(target_type):
        raise ValueError(f"target type {target_type.name!r} is already registered")
    _REGISTRY[target_type.name] = target_type


def get(name: str) -> TargetType:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no target type {name!r} is registered") from None


def registered() -> dict[str, TargetType]:
    return dict(_REGISTRY)


def labels_for(pairs: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Names for (type, id) pairs of mixed types: one query per type, not per row."""
    by_type: dict[str, list[int]] = {}
    for type_name, pk in pairs:
        by_type.setdefault(type_name, []).append(pk)
    names: dict[tuple[str, int], str] = {}
    for type_name, pks in by_type.items():
        target_type = _REGISTRY.get(type_name)
        if target_type is None:
            continue
        for pk, label in target_type.labels(pks).items():
            names[(type_name, pk)] = label
    return names
