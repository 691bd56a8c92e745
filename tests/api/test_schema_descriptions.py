"""Every part of the schema a client developer reads in GraphiQL says what it is.

The check walks the introspection result (what GraphiQL and code generators read) of the
schema the service serves: every type, field, argument, input field and enum value needs a
non-empty description.  Built-in scalars and the introspection types come with theirs.
"""

from __future__ import annotations

from typing import Any

from graphql import introspection_from_schema

from resolvers.schema import build_schema


def undescribed(introspection: dict[str, Any]) -> list[str]:
    """The coordinates (``Type``, ``Type.field``, ``Type.field(arg:)``, ``Enum.VALUE``) without a description."""

    def missing(item: dict[str, Any]) -> bool:
        return not (item.get("description") or "").strip()

    found: list[str] = []
    for t in introspection["__schema"]["types"]:
        name = t["name"]
        if name.startswith("__"):
            continue
        if missing(t):
            found.append(f"type {name}")
        for f in t.get("fields") or []:
            if missing(f):
                found.append(f"field {name}.{f['name']}")
            found += [f"argument {name}.{f['name']}({a['name']}:)" for a in f["args"] if missing(a)]
        found += [f"input field {name}.{f['name']}" for f in t.get("inputFields") or [] if missing(f)]
        found += [f"enum value {name}.{v['name']}" for v in t.get("enumValues") or [] if missing(v)]
    return found


def test_the_check_finds_what_has_no_description() -> None:
    from graphql import build_schema as from_sdl

    sdl = """
    "A query." type Query { "Described." a(x: Int, "Described." y: Int): E  b: Int }
    enum E { "Described." ONE TWO }
    "An input." input I { "Described." p: Int q: Int }
    """
    assert undescribed(introspection_from_schema(from_sdl(sdl))) == [
        "argument Query.a(x:)",
        "field Query.b",
        "type E",
        "enum value E.TWO",
        "input field I.q",
    ]


def test_every_type_field_argument_input_field_and_enum_value_is_described() -> None:
    gaps = undescribed(introspection_from_schema(build_schema()._schema))
    assert not gaps, f"{len(gaps)} parts of the schema have no description:\n  " + "\n  ".join(gaps)
