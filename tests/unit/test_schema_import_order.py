"""The schema builds whichever resolver module a process imports first: an enum of the contract
used as an argument type before ``resolvers.enums`` registered it used to become a second
GraphQL type of the same name ("Type ResourceKind is defined multiple times")."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import resolvers

FIRST = sorted(m.name for m in pkgutil.iter_modules(resolvers.__path__, "resolvers.") if m.ispkg)
"""The feature packages (analytics, appeals, the monthly work, workers, assessments, mutations):
each imports most of the schema's types on its own."""


@pytest.mark.parametrize("module", FIRST)
def test_the_schema_builds_after_importing(module: str) -> None:
    code = f"import {module}\nfrom resolvers.schema import build_schema\nbuild_schema()\n"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
