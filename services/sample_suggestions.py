"""Writes resources/samples/suggestions.json: the sample articles' suggestions made by the
default pipeline, stamped with its name and version (see storage.sample_suggestions).

  python -m services.sample_suggestions [--model NAME] [--out PATH]

Run it (make sample-suggestions) when the samples, the default pipeline or the suggester change."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from coding.suggest import DEFAULT_MODEL, SuggestionService  # noqa: E402
from coding.suggest import run_suggestions  # noqa: E402
from storage.importers import import_paths  # noqa: E402
from storage.repository import Repository  # noqa: E402
from storage.sample_suggestions import SUGGESTIONS_FILE, write_shipped_suggestions  # noqa: E402
from storage.workspace import SAMPLES_FILE  # noqa: E402


def make(out: Path = SUGGESTIONS_FILE, model: str = DEFAULT_MODEL) -> int:
    """Suggest the samples in a scratch workspace, as a new workspace would, and write the file."""
    with tempfile.TemporaryDirectory(prefix="chronicler-samples-") as tmp:
        repo = Repository(Path(tmp) / "samples.sqlite")
        try:
            import_paths(repo, [SAMPLES_FILE])
            service = SuggestionService(model)
            run_suggestions(repo, model, service=service)
            return write_shipped_suggestions(repo, out, service.model_name, service.model_version)
        finally:
            repo.close()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.sample_suggestions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, default=SUGGESTIONS_FILE)
    args = parser.parse_args(argv)
    n = make(args.out, args.model)
    print(f"{args.out.name}: suggestions of {n} sample articles ({args.model})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
