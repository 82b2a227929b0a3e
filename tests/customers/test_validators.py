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


@pytest.mark.parametrize("value", ["example.com\n", "exa\u200bmple.com", "example.com\u00ad", "\ufeffexample.com",
                                   "exam\tple.com", "example\u2028.com"])
def test_a_domain_name_with_an_invisible_character_is_refused_not_cleaned(value):
    with pytest.raises(ValidationError) as excinfo:
        normalise_domain_name(value)
    assert "invisible character" in excinfo.value.messages[0]


def test_surrounding_spaces_are_still_forgiven():
    assert normalise_domain_name("  Example.COM. ") == "example.com"


def test_an_internationalised_name_is_stored_in_punycode_and_shown_in_unicode():
    from customers.validators import domain_display_name, search_form

    stored = normalise_domain_name("bücher.example")
    assert stored == "xn--bcher-kva.example" and domain_display_name(stored) == "bücher.example"
    assert search_form("bücher") == "xn--bcher-kva"
