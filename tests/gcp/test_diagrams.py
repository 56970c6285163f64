"""The architecture images exist and were rendered from the current diagram sources."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("render", ROOT / "docs" / "diagrams" / "render.py")
assert spec and spec.loader
render = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("source", sorted(render.IMAGES), ids=lambda p: p.name)
def test_image_is_not_older_than_its_source(source: Path) -> None:
    image = render.IMAGES[source]
    assert image.read_bytes()[:8] == PNG_MAGIC, f"{image.name} is not a PNG"
    stamp = render.stamp_path(image)
    assert stamp.exists(), f"{stamp.name} missing: run `make diagrams`"
    stored = stamp.read_text().split()[0]
    assert stored == render.source_hash(source), (
        f"{image.name} is older than {source.relative_to(ROOT)}: run `make diagrams` and commit"
    )


def test_the_cloud_diagram_shows_the_whole_path() -> None:
    text = (ROOT / "docs" / "diagrams" / "architecture.py").read_text()
    for label in ("Cloud SQL", "Debezium", "Pub/Sub", "sync run", "BigQuery", "Composer", "Kafka"):
        assert label in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
def test_sources_render(tmp_path: Path) -> None:
    for source in render.IMAGES:
        subprocess.run([sys.executable, str(source), "out"], cwd=tmp_path, check=True)
        assert (tmp_path / "out.png").read_bytes()[:8] == PNG_MAGIC
        (tmp_path / "out.png").unlink()
