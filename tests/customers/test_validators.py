"""Domain names and local parts as the vendors accept them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from customers.validators import normalise_domain_name, validate_domain_name, validate_local_part


@pytest.mark.parametrize("given, stored", [
    ("Example.CO.ZA.", "example.co.za"),
    ("bücher.example", "xn--bcher-kva.example"),
    ("faß.de", "xn--fa-hia.de"),  # IDNA 2008: not folded to fass.de
])
def test_domain_names_are_normalised_to_lower_case_ascii(given, stored):
    assert normalise_domain_name(given) == stored


def test_malformed_punycode_is_refused():
    with pytest.raises(ValidationError):
        normalise_domain_name("xn--zz.com")


@pytest.mark.parametrize("name", ["localhost", "a..b.com", "under_score.com", "-x.com", "x-.com", "1.2.3.4",
                                  "a" * 64 + ".com", ("a" * 60 + ".") * 5 + "com"])
def test_invalid_domain_names_are_refused(name):
    with pytest.raises(ValidationError):
        validate_domain_name(name)


@pytest.mark.parametrize("local_part", ["jane.smith", "j", "sales-2", "first_last"])
def test_valid_local_parts_pass(local_part):
    validate_local_part(local_part)


@pytest.mark.parametrize("local_part", [".jane", "jane.", "ja..ne", "ja ne", "jane@x", "j" * 65, "Jäne"])
def test_invalid_local_parts_are_refused(local_part):
    with pytest.raises(ValidationError):
        validate_local_part(local_part)
