"""Every package's doctests run, and importing any module of the product does no I/O.

pytest collects doctests (``--doctest-modules``) by importing every module under its
``testpaths``; so a package missing there has examples nobody checks, and a module that opens
a file, a socket or a database when imported would do so in every test run (and in every
process of the service).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_AUDIT = r"""
import importlib, pkgutil, sys

PACKAGES = sys.argv[1:]
ALLOWED_ROOTS = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix})
IO_EVENTS = ("socket.", "subprocess.", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
             "os.mkdir", "os.remove", "os.rename", "os.rmdir", "os.truncate", "shutil.", "sqlite3.connect",
             "urllib.Request", "http.client.connect", "ftplib.", "smtplib.", "webbrowser.open")
seen = []
module = "?"

def hook(event, args):
    if event == "open":
        path = args[0]
        if isinstance(path, int):
            return
        path = str(path)
        if path.endswith((".py", ".pyc", ".so", ".pth")) or "__pycache__" in path:
            return  # the import system reading code
        if path.startswith(ALLOWED_ROOTS) or "site-packages" in path or path.startswith("/usr/"):
            return  # the interpreter's and the libraries' own files
        if ".egg-info" in path or ".dist-info" in path or "__editable__" in path:
            return  # package metadata and the editable install's path hook (networkx reads its backends' entry points)
        seen.append(f"{module}: open {path} {args[1] if len(args) > 1 else ''}")
    elif event.startswith(IO_EVENTS):
        seen.append(f"{module}: {event} {str(args)[:120]}")

sys.addaudithook(hook)
names = []
for package in PACKAGES:
    module = package
    names.append(package)
    names += [m.name for m in pkgutil.walk_packages(importlib.import_module(package).__path__, package + ".")]
for name in names:
    module = name
    importlib.import_module(name)
print(len(names))
print("\n".join(seen))
"""


def _config() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def _packages() -> list[str]:
    include = _config()["tool"]["setuptools"]["packages"]["find"]["include"]  # type: ignore[index]
    return [pattern.rstrip("*") for pattern in include]


def test_the_product_has_the_five_packages() -> None:
    assert _packages() == ["graph_schema", "loaders", "resolvers", "analytics", "service"]


def test_every_package_is_collected_by_pytest_so_its_doctests_run() -> None:
    options = _config()["tool"]["pytest"]["ini_options"]  # type: ignore[index]
    assert "--doctest-modules" in options["addopts"].split()
    missing = [p for p in _packages() if p not in options["testpaths"]]
    assert missing == [], f"doctests of {missing} are never run: add them to testpaths in pyproject.toml"


def test_importing_any_module_of_the_product_does_no_io() -> None:
    done = subprocess.run(
        [sys.executable, "-B", "-c", _AUDIT, *_packages()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(ROOT / ".cache" / "import-home")},
    )
    assert done.returncode == 0, done.stderr
    count, *io = done.stdout.splitlines()
    assert int(count) > 50, "the walk found too few modules to be the whole product"
    assert [line for line in io if line] == [], "I/O at import time"
