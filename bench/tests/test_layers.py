"""The layers: `bench` may import any app and no app imports it; `lib` imports
no domain app (its test scaffolding, which builds users and terms, aside)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "coordination", "exchange", "lib", "maillage", "register")
DOMAIN = ("accounts", "territory", "taxonomy", "register", "coordination", "exchange")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def modules(*packages: str) -> list[Path]:
    return [path for package in packages for path in (ROOT / package).rglob("*.py")]


def test_no_app_imports_bench():
    found = [
        str(path.relative_to(ROOT))
        for path in modules(*APPS, "taxonomy", "territory")
        if "bench" in imported(path)
    ]
    assert found == []


def test_lib_imports_no_domain_app():
    scaffolding = {ROOT / "lib" / "testing.py", *modules("lib/tests")}
    found = {
        str(path.relative_to(ROOT)): sorted(imported(path) & set(DOMAIN))
        for path in modules("lib")
        if path not in scaffolding and imported(path) & set(DOMAIN)
    }
    assert found == {}
