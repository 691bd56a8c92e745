"""Mutations, one module per family; ``MUTATION_PARTS`` lists their classes for the schema."""

from __future__ import annotations

from resolvers.mutations.links import LinkMutation
from resolvers.mutations.moves import MoveMutation
from resolvers.mutations.nodes import NodeMutation

MUTATION_PARTS: tuple[type, ...] = (NodeMutation, LinkMutation, MoveMutation)

__all__ = ["MUTATION_PARTS"]
