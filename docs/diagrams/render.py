"""Render the architecture images from their sources; store each source's hash beside its image."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# source script -> image at the repository root
IMAGES = {
    HERE / "architecture.py": ROOT / "architecture.png",
    HERE / "architecture_local.py": ROOT / "architecture-local.png",
    HERE / "streaming_pipeline.py": ROOT / "docs" / "streaming-pipeline.png",
}


def source_hash(source: Path) -> str:
    """Return the sha256 of a diagram source (what the image was rendered from)."""
    return hashlib.sha256(source.read_bytes()).hexdigest()


def stamp_path(image: Path) -> Path:
    """Return the file holding the source hash of an image."""
    return image.with_name(image.name + ".sha256")


def render(source: Path, image: Path) -> None:
    """Run one diagram script in a scratch directory and move its PNG into place."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(source), "out"], cwd=tmp, check=True)
        shutil.move(str(Path(tmp) / "out.png"), image)
    stamp_path(image).write_text(f"{source_hash(source)}  {source.relative_to(ROOT)}\n")
    print(f"rendered {image.relative_to(ROOT)} from {source.relative_to(ROOT)}")


def main() -> None:
    """Render every image."""
    if shutil.which("dot") is None:
        sys.exit("graphviz `dot` is missing: run `make install` (apt package graphviz)")
    for source, image in IMAGES.items():
        render(source, image)


if __name__ == "__main__":
    main()
