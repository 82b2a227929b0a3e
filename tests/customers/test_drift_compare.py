"""Comparing the panel's value with the vendor's: what counts as the same."""

from __future__ import annotations

from customers.services.drift import same


def test_records_read_back_with_their_keys_in_another_order_are_the_same():
    ours = [{"type": "MX", "value": "mx1.example", "priority": 10}]
    theirs = [{"priority": 10, "value": "mx1.example", "type": "MX"}]
    assert same(ours, theirs)


def test_empty_is_empty_whatever_its_type():
    assert same(None, "") and same([], None) and same({}, "")


def test_a_number_and_its_digits_are_the_same_but_a_list_in_another_order_is_not():
    assert same(10, "10") and not same(["a", "b"], ["b", "a"])
