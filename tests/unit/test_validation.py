"""Batch validation on its own (no store): what a write is checked for, given what exists."""

from __future__ import annotations

import pytest

from graph_schema import Node, Relationship, WriteBatch
from graph_schema.validation import Existing, validate_batch


def _codes(batch: WriteBatch, existing: Existing) -> set[tuple[str, str, str]]:
    return {(p.record, p.field, p.code) for p in validate_batch(batch, existing)}


def test_a_batch_cannot_be_both_create_only_and_patch() -> None:
    with pytest.raises(ValueError, match="both create_only and patch"):
        WriteBatch([Node("Household", "h1", {"size": 1})], create_only=True, patch=True)


def test_a_patch_checks_only_what_it_sets() -> None:
    existing = Existing({"h1": "Household"})
    assert _codes(WriteBatch([Node("Household", "h1", {"size": 2})], patch=True), existing) == set()
    # the same record as a whole node lacks its required name
    whole = WriteBatch([Node("Household", "h1", {"size": 2})])
    assert _codes(whole, existing) == {("Household h1", "name", "REQUIRED")}


def test_a_patch_of_a_node_deleted_in_the_same_batch_is_not_found() -> None:
    batch = WriteBatch([Node("Household", "h1", {"size": 2})], delete_nodes=["h1"], patch=True)
    assert _codes(batch, Existing({"h1": "Household"})) == {("Household h1", "id", "NOT_FOUND")}


def test_a_patch_may_link_the_node_it_changes() -> None:
    batch = WriteBatch(
        [Node("Household", "h1", {"tags": ["FLOATING"]})], [Relationship("PART_OF", "h1", "b1")], patch=True
    )
    assert _codes(batch, Existing({"h1": "Household", "b1": "Building"})) == set()
