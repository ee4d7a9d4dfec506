"""Static files storage for deployments and ``make demo``: WhiteNoise's hashed, compressed files."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(
    patterns: tuple[tuple[str, tuple[str | tuple[str, str], ...]], ...],
) -> tuple[tuple[str, tuple[str | tuple[str, str], ...]], ...]:
    def keep(pattern: str | tuple[str, str]) -> bool:
        return "sourceMappingURL" not in (pattern if isinstance(pattern, str) else pattern[0])

    return tuple((glob, tuple(p for p in rules if keep(p))) for glob, rules in patterns)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, but ``sourceMappingURL`` comments are left alone: vendored minified files name
    source maps that are not vendored (``static/vendor/README.md``: DWV's ``dwv.min.js.map``), and Django's
    manifest storage refuses the whole ``collectstatic`` over a missing referenced file. ``url(…)`` and
    ``@import`` in stylesheets are still rewritten to the hashed names."""

    patterns = _without_source_maps(HashedFilesMixin.patterns)

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        """Compress the hashed copies only: pages name those (``{% static %}`` reads the manifest); the copies
        under the original names stay, uncompressed, for what names them directly (e.g. a source map). Source
        maps are not compressed (``WHITENOISE_SKIP_COMPRESS_EXTENSIONS``): only a browser's developer tools
        fetch them. This halves ``collectstatic``'s slowest step, Brotli at its highest quality."""
        hashed = set(self.hashed_files.values())
        return super().compress_files([path for path in paths if path in hashed])
