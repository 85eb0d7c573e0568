"""The layering contract: storage/, coding/ and services/ work without Qt; storage/ never needs spaCy."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[str]:
    names = [package]
    for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
        if ".migrations" in info.name:
            continue
        names.append(info.name)
    return names


def _import_with_blocked(modules: list[str], blocked: list[str]) -> subprocess.CompletedProcess[str]:
    # A None entry in sys.modules makes any import of that name fail, as if not installed.
    code = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('ok')\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_storage_and_coding_import_without_qt() -> None:
    result = _import_with_blocked(_modules("storage") + _modules("coding") + _modules("services"),
                                  ["PySide6", "shiboken6"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_storage_imports_without_spacy() -> None:
    result = _import_with_blocked(_modules("storage"), ["spacy", "PySide6", "coding"])
    assert result.returncode == 0, result.stderr


def test_import_linter_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
