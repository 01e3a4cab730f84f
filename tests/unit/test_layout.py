"""Guard rails on the package's shape (docs/development.md, "Layout"): small
modules, folders grouped by domain before they grow long, one name per domain in
every layer."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "fedcity"
MAX_MODULE_LINES = 400
MAX_MODULES_PER_FOLDER = 20


def test_no_module_is_longer_than_400_lines():
    # Given every module of the package
    lengths = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text().splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    # Then none is past the size where it splits by noun
    too_long = {name: n for name, n in lengths.items() if n > MAX_MODULE_LINES}
    assert not too_long, f"split these by noun: {too_long}"


def test_no_folder_holds_more_than_20_modules():
    # Given every folder of the package
    folders = {path.parent for path in PACKAGE.rglob("*.py")}
    counts = {
        folder.relative_to(PACKAGE).as_posix() or ".": len(list(folder.glob("*.py")))
        for folder in folders
    }
    # Then none is past the size where it groups by domain
    crowded = {name: n for name, n in counts.items() if n > MAX_MODULES_PER_FOLDER}
    assert not crowded, f"group these by domain: {crowded}"


def test_services_and_api_share_their_domain_names():
    # Given the domains of the rules and of the client API
    def domains(layer: str) -> set[str]:
        return {
            p.name for p in (PACKAGE / layer).iterdir() if (p / "__init__.py").exists()
        }

    # Then every API domain is a domain of the services (entities are the API's own)
    assert domains("api") - {"entities", "oauth"} <= domains("services")
