"""The project's layers, enforced: an app imports only the apps below it, and no
app imports another app's `views`, `forms` or `api` (pages and endpoints are
adapters; what apps share lives in their models, services, selectors, access,
schemas and pickers). The order is written in the README's developer section."""

import ast
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)

# From the bottom up; apps on one line do not import each other. `demo` fills
# every app; `maillage` (the project: settings, URLs, the API) and `bench` sit on
# top of everything.
LAYERS: list[tuple[str, ...]] = [
    ("lib",),
    ("accounts",),
    ("territory", "taxonomy", "jobs"),
    ("register",),
    ("coordination",),
    ("analysis", "meetings", "consultations"),
    ("exchange",),
    ("demo",),
    ("bench", "maillage"),
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
ADAPTERS = {"views", "forms", "api"}
# The project assembles every app's URLs and API routers.
ASSEMBLERS = {"maillage"}
# lib's views, forms and api modules are the shared helpers of every app's.
SHARED = {"lib"}


def imports_of(path: Path) -> list[tuple[str, int]]:
    """The absolute modules a file imports, with their line numbers."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, node.lineno))
            # `from register import api` imports the module `register.api`.
            found += [
                (f"{node.module}.{alias.name}", node.lineno)
                for alias in node.names
                if alias.name in ADAPTERS
            ]
    return found


def violations(root: Path = ROOT) -> list[str]:
    """Every import that breaks the layering, as 'file:line: reason'.

    An app's tests may reach anywhere (a register page showing a section that
    coordination adds is tested with a body, the API through the project's);
    its code may not."""
    problems = []
    for app, level in LEVEL.items():
        for path in sorted((root / app).rglob("*.py")):
            where = path.relative_to(root)
            if "tests" in where.parts:
                continue
            for module, line in imports_of(path):
                parts = module.split(".")
                target = parts[0]
                if target not in LEVEL or target == app:
                    continue
                if LEVEL[target] >= level:
                    problems.append(
                        f"{where}:{line}: {app} (layer {level}) imports {module} "
                        f"(layer {LEVEL[target]})"
                    )
                elif (
                    app not in ASSEMBLERS
                    and target not in SHARED
                    and ADAPTERS & set(parts[1:2])
                ):
                    problems.append(
                        f"{where}:{line}: {app} imports {module}, another app's "
                        f"{parts[1]}"
                    )
    return problems


class LayerTests(SimpleTestCase):
    def test_every_app_of_the_project_has_a_layer(self):
        apps = {
            path.parent.name
            for path in ROOT.glob("*/__init__.py")
            if not path.parent.name.startswith(".")
        }
        self.assertEqual(sorted(apps - set(LEVEL)), [])

    def test_no_app_imports_a_higher_one_or_another_apps_adapters(self):
        self.assertEqual(violations(), [])

    def test_it_catches_an_upward_import_and_an_adapter_import(self):
        tree = self.enterContext(_scratch_tree())
        (tree / "register" / "demo.py").write_text(
            "from coordination.models import CoordinationBody\n"
        )
        (tree / "coordination" / "pages.py").write_text(
            "from register import forms\nfrom register.views import x\n"
        )
        found = violations(tree)
        self.assertEqual(
            found,
            [
                "register/demo.py:1: register (layer 3) imports "
                "coordination.models (layer 4)",
                "coordination/pages.py:1: coordination imports register.forms, "
                "another app's forms",
                "coordination/pages.py:2: coordination imports register.views, "
                "another app's views",
            ],
        )


class _scratch_tree:
    """An empty copy of the apps' folders in a temporary directory."""

    def __enter__(self) -> Path:
        import tempfile

        self._directory = tempfile.TemporaryDirectory()
        root = Path(self._directory.name)
        for app in LEVEL:
            (root / app).mkdir()
        return root

    def __exit__(self, *exc: object) -> None:
        self._directory.cleanup()
