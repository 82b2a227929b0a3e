"""Forms of the import pages: what to import (named as the vendor's importer says), and the mapping."""

from __future__ import annotations

from django import forms

from customers.models import Customer


class ImportScopeForm(forms.Form):
    """What staff name to import; the label and help come from the vendor's importer."""

    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=200_000, required=False)
    scope_file = forms.FileField(required=False, label="Or a CSV file (first column)")

    def __init__(self, *args, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].label = importer.scope_label
        self.fields["scope"].help_text = importer.scope_help

    def clean(self):
        data = super().clean()
        text = data.get("scope") or ""
        upload = data.get("scope_file")
        if upload is not None:
            if upload.size > 2_000_000:
                raise forms.ValidationError({"scope_file": "The file is larger than 2 MB."})
            try:
                lines = upload.read().decode("utf-8-sig").splitlines()
            except UnicodeDecodeError:
                raise forms.ValidationError({"scope_file": "The file is not UTF-8 text."}) from None
            text += "\n" + "\n".join(line.split(",")[0] for line in lines)
        if not text.strip():
            raise forms.ValidationError({"scope": "Name at least one."})
        data["text"] = text
        return data


class ImportMappingForm(forms.Form):
    """One customer choice per proposal row (left empty: the row is left out)."""

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        wanted = {r.get("customer_id") for r in job.proposal if r.get("customer_id")}
        # A bounded choice list: the proposed customers and the first 500 by name; a reference finds any other.
        choices = [("", "— leave out —")] + [
            (c.pk, f"{c.name} ({c.reference})" if c.reference else c.name)
            for c in [*Customer.objects.filter(pk__in=wanted), *Customer.objects.order_by("name")[:500]]]
        seen, unique = set(), []
        for value, label in choices:
            if value not in seen:
                seen.add(value)
                unique.append((value, label))
        for index, row in enumerate(job.proposal):
            name = f"row_{index}"
            if row.get("error"):
                self.rows.append((row, None))
                continue
            self.fields[name] = forms.TypedChoiceField(choices=unique, coerce=int, empty_value=None, required=False,
                                                       initial=row.get("customer_id") or "", label=row["name"])
            self.rows.append((row, name))

    def bound_rows(self):
        return [(row, self[name] if name else None) for row, name in self.rows]

    def mapping(self) -> dict[int, int | None]:
        return {int(name.split("_")[1]): self.cleaned_data.get(name) for _, name in self.rows if name}
