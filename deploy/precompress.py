"""A copy of the installed Streamlit's frontend (its static/ folder: index.html, the JS bundles, CSS
and fonts) with compressed copies baked beside each text file, for the proxy to send as they are
(deploy/nginx/exiles/http.conf, location /static/; docs/performance.md, issue 16 target 4).

    python deploy/precompress.py DEST [--source DIR] [--brotli-quality 11] [--gzip-level 9]

<file>.gz (gzip, no name or time in the header: the same bytes on every build) is written for
every .js, .css, .json, .svg, .html, .txt and .map file of 256 bytes or more, and <file>.br
(brotli, when the `brotli` package is importable) for every such .js file; fonts (woff2) and
images are compressed already.
The deploy/Dockerfile runs it at image build time; tests/deploy's loopback proxy too.
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import sys
from pathlib import Path

TEXT_SUFFIXES = (".js", ".css", ".json", ".svg", ".html", ".txt", ".map")
# the proxy sends <file>.br for JavaScript only (the bulk of the bytes; deploy/nginx/exiles/http.conf)
BROTLI_SUFFIXES = (".js",)
MIN_SIZE = 256  # as gzip_min_length in deploy/nginx/exiles/http.conf


def streamlit_static() -> Path:
    """The installed Streamlit's frontend folder (served by Streamlit at /, /static/...)."""
    import streamlit
    return Path(streamlit.__file__).resolve().parent / "static"


def compressible(path: Path) -> bool:
    return path.suffix in TEXT_SUFFIXES and path.stat().st_size >= MIN_SIZE


def precompress(source: Path, dest: Path, brotli_quality: int | None = 11, gzip_level: int = 9) -> dict[str, int]:
    """Copy source to dest (which must not exist) and bake the compressed copies; returns the
    counts {"files", "gz", "br"}. brotli_quality None (or the package missing): no .br files."""
    if dest.exists():
        raise FileExistsError(f"{dest} exists: give a new folder")
    try:
        import brotli
    except ImportError:
        brotli = None
    if brotli_quality is None:
        brotli = None
    shutil.copytree(source, dest)
    counts = {"files": 0, "gz": 0, "br": 0}
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        counts["files"] += 1
        if not compressible(path):
            continue
        data = path.read_bytes()
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=gzip_level, mtime=0))
        counts["gz"] += 1
        if brotli is not None and path.suffix in BROTLI_SUFFIXES:
            path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=brotli_quality))
            counts["br"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="the folder to create")
    parser.add_argument("--source", type=Path, default=None, help="default: the installed Streamlit's static/")
    parser.add_argument("--brotli-quality", type=int, default=11, help="0-11; -1: no .br files")
    parser.add_argument("--gzip-level", type=int, default=9)
    args = parser.parse_args(argv)
    quality = None if args.brotli_quality < 0 else args.brotli_quality
    counts = precompress(args.source or streamlit_static(), args.dest, quality, args.gzip_level)
    print(f"{args.dest}: {counts['files']} files, {counts['gz']} .gz, {counts['br']} .br")
    if quality is not None and counts["br"] == 0 and counts["gz"]:
        print("no .br written: the brotli package is not installed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
