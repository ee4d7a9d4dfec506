"""The static files storage of deployments and ``make demo`` (``shanhai/project/storage.py``): a vendored file
naming a source map that is not vendored does not stop ``collectstatic``; only the hashed copies are compressed,
and source maps are not."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import FileSystemStorage

from shanhai.project.storage import StaticFilesStorage


def collect(root: Path, files: dict[str, str]) -> tuple[StaticFilesStorage, list]:
    source = root / "source"
    for name, text in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    storage = StaticFilesStorage(location=root / "static", base_url="/static/")
    finder_storage = FileSystemStorage(location=source)
    for name in files:
        with finder_storage.open(name) as handle:
            storage.save(name, handle)
    paths = {name: (finder_storage, name) for name in files}
    results = list(storage.post_process(paths))
    return storage, results


def test_a_missing_source_map_does_not_stop_the_collection(tmp_path: Path) -> None:
    big = "x" * 2000  # compressible
    storage, results = collect(
        tmp_path,
        {
            "vendor/lib.min.js": f"var a='{big}';\n//# sourceMappingURL=lib.min.js.map",
            "app.css": f"body {{ background: url(img/dot.svg); }} /* {big} */",
            "img/dot.svg": f"<svg xmlns='http://www.w3.org/2000/svg'><!-- {big} --></svg>",
            "other.js.map": big,
        },
    )
    assert not [error for _name, _hashed, error in results if isinstance(error, Exception)]
    static = tmp_path / "static"
    hashed_js = storage.stored_name("vendor/lib.min.js")
    assert hashed_js != "vendor/lib.min.js"
    assert (static / hashed_js).read_text().endswith("//# sourceMappingURL=lib.min.js.map")  # left alone
    assert storage.stored_name("img/dot.svg") in (static / storage.stored_name("app.css")).read_text()  # rewritten
    compressed = sorted(str(p.relative_to(static)) for p in static.rglob("*.br"))
    assert f"{hashed_js}.br" in compressed
    assert "vendor/lib.min.js.br" not in compressed  # the copy under the original name stays uncompressed
    assert not [name for name in compressed if ".map" in name]
