"""Command line: `python -m etl build` (offline, the default), `status`, `import-shared`, `refresh`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.paths import DataPaths, default_data_paths

DESCRIPTION = """\
Build the dashboard's published tables from the raw snapshots in data/raw, offline.

Each raw file is checked against the sha256 in its provenance sidecar, cleaned, shaped into
published tables, validated against its schema and written to a new release folder
(data/releases/<id>/); data/manifest.json is replaced last, so a failed build leaves the
previous release untouched. A build with nothing changed returns at once.

Before publishing, the new tables are compared with the published ones (data/release_diff.md);
a series that loses its latest period, a country that vanishes, or more than 1 % of values
changing by more than half block the release unless --accept-changes is given.

`refresh` needs the internet: it fetches the latest UNHCR and Eurostat figures, stores the
exact bytes as new dated snapshots in data/raw, and rebuilds.
"""
EPILOG = """\
examples:
  python -m etl build                       build (or confirm up to date)
  python -m etl build --force               rebuild even if nothing changed
  python -m etl build --raw-release unhcr=2026-06-25
                                            build from an older UNHCR snapshot
  python -m etl build --accept-changes      publish even though the diff gate objects
  python -m etl refresh                     fetch UNHCR and Eurostat, snapshot, rebuild
  python -m etl refresh --source eurostat   refresh one source only
  python -m etl status                      say whether the published release is current
  python -m etl import-shared ../shared/data
                                            copy new shared deliveries into data/raw with sidecars
  python -m etl import-shared ../shared/data --source curated
                                            copy only the curated delivery

exit codes: 0 success, 1 unexpected error, 2 bad input (raw file, schema, metadata, arguments),
  4 release blocked by the diff gate, 5 refresh failed (upstream unreachable or answer refused)
"""


def parse_release(values: list[str]) -> dict[str, str]:
    releases = {}
    for value in values or []:
        source, sep, folder = value.partition("=")
        if not sep or not source or not folder:
            raise argparse.ArgumentTypeError(f"--raw-release takes SOURCE=YYYY-MM-DD, got {value!r}")
        releases[source] = folder
    return releases


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder holding raw/, releases/ and manifest.json (default: ./data)")
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("build", help="build and publish the tables (default command)")
    build.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    build.add_argument("--raw-release", action="append", metavar="SOURCE=DATE",
                       help="use this raw snapshot folder for SOURCE instead of the newest")
    build.add_argument("--quiet", action="store_true", help="print only errors")
    build.add_argument("--accept-changes", action="store_true",
                       help="publish even if the release diff finds blocking changes")
    status = sub.add_parser("status", help="say whether the published release is up to date")
    status.add_argument("--raw-release", action="append", metavar="SOURCE=DATE")
    imp = sub.add_parser("import-shared", help="copy sources from a shared data folder into data/raw")
    imp.add_argument("shared", type=Path, help="the shared data folder (e.g. ../shared/data)")
    imp.add_argument("--source", action="append", metavar="SOURCE",
                     help="import only this source of etl/sources.yml (repeatable; default: all)")
    refresh = sub.add_parser("refresh", help="fetch the latest UNHCR and Eurostat figures, snapshot, rebuild")
    refresh.add_argument("--source", action="append", choices=["unhcr", "eurostat"],
                         help="refresh only this source (repeatable; default: both)")
    refresh.add_argument("--accept-changes", action="store_true",
                         help="publish even if the release diff finds blocking changes")
    refresh.add_argument("--quiet", action="store_true", help="print only errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    paths = DataPaths(args.data_dir) if args.data_dir else default_data_paths()
    command = args.command or "build"
    from etl.pipeline import BuildError
    from etl.raw import RawSnapshotError
    try:
        if command == "import-shared":
            from etl import import_shared
            print(f"Importing from {args.shared} into {paths.raw}")
            try:
                import_shared.run(args.shared, paths.raw, sources=args.source)
            except ValueError as exc:  # an unknown source, or a raw file that would be changed
                print(f"Import failed: {exc}", file=sys.stderr)
                return 2
            return 0
        log = (lambda *_: None) if getattr(args, "quiet", False) else print
        if command == "refresh":
            from etl import refresh
            try:
                refresh.run(paths, args.source, accept_changes=args.accept_changes, log=log)
            except refresh.RefreshError as exc:
                print(f"Refresh failed: {exc}", file=sys.stderr)
                return 5
            return 0
        releases = parse_release(getattr(args, "raw_release", None))
        if command == "status":
            from etl.pipeline import status
            ok, reason = status(paths, releases)
            print(reason)
            return 0 if ok else 3
        from etl.pipeline import build
        build(paths, force=getattr(args, "force", False), releases=releases, log=log,
              accept_changes=getattr(args, "accept_changes", False))
        return 0
    except (RawSnapshotError, BuildError, argparse.ArgumentTypeError, FileNotFoundError) as exc:
        print(f"Build failed: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)  # the diff gate's refusal has its own code
    except ValueError as exc:  # schema violations, metadata mismatches, unreadable raw values
        print(f"Build failed: {exc}\nThe previous release is unchanged.", file=sys.stderr)
        return 2
