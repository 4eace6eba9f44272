"""Command line: `python -m etl build` (offline, the default), `status`, `import-shared`, `refresh`, `site`."""
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

Before publishing, the new tables are compared with the published ones, series by series
(indicator x country), and data/release_diff.md lists every finding with its values before and
after. Each blocks the release until accepted by name: a past value revised by more than 20 %,
a break (x3 from one period to the next), a value outside its plausible range (below 0, above
100 %, more people than the origin country has), a latest figure falling by more than half, a
series losing its latest period, a country vanishing, or more than 1 % of all values changing
by more than half. Changes under 100 (people, permits, ...) or 20 percentage points never block.
--accept-changes takes INDICATOR/COUNTRY (repeatable or comma-separated; also INDICATOR for
every country, */COUNTRY, or all); the bare flag accepts everything, as before.

Each build first removes what an interrupted build or refresh left behind (release folders no
manifest names, temporary files, unjudged snapshots) and says so; it never removes what the
manifest names.

`refresh` needs the internet: it fetches the latest UNHCR and Eurostat figures, stores the
exact bytes as new dated snapshots in data/raw, and rebuilds.

`site` bakes the static edition of the published release (every chart card in every language as
HTML, embeds, CSV, PNG and SVG; offline, a few minutes: the images are drawn by chromium) into
data/releases/<id>/site/ and points the link data/site at it; near-instant when it is complete.
"""
EPILOG = """\
examples:
  python -m etl build                       build (or confirm up to date)
  python -m etl build --force               rebuild even if nothing changed
  python -m etl build --raw-release unhcr=2026-06-25
                                            build from an older UNHCR snapshot
  python -m etl build --accept-changes unhcr_under_mandate_stock/POL
                                            publish a change the diff gate held back, by name
  python -m etl build --accept-changes all  publish whatever the diff gate found
  python -m etl refresh                     fetch UNHCR and Eurostat, snapshot, rebuild
  python -m etl refresh --source eurostat   refresh one source only
  python -m etl refresh --accept-changes eurostat_valid_permits_stock/POL,eurostat_first_permits_flow/POL
  python -m etl status                      say whether the published release is current
  python -m etl import-shared ../shared/data
                                            copy new shared deliveries into data/raw with sidecars
  python -m etl import-shared ../shared/data --source curated
                                            copy only the curated delivery
  python -m etl site                        bake the static edition (data/site)
  python -m etl site --out /srv/edition     bake it into another folder

exit codes: 0 success, 1 unexpected error, 2 bad input (raw file, schema, metadata, arguments),
  4 release blocked by the diff gate, 5 refresh failed (upstream unreachable, transfer broken or
  answer refused; a one-line message, nothing changed), 6 static edition failed (no release, no
  chromium to draw its images, or a target folder that is not an edition; the previous one is kept)
"""


def parse_release(values: list[str]) -> dict[str, str]:
    releases = {}
    for value in values or []:
        source, sep, folder = value.partition("=")
        if not sep or not source or not folder:
            raise argparse.ArgumentTypeError(f"--raw-release takes SOURCE=YYYY-MM-DD, got {value!r}")
        releases[source] = folder
    return releases


ACCEPT_HELP = ("publish although the release diff found these changes: INDICATOR/COUNTRY (e.g. "
               "unhcr_under_mandate_stock/POL), INDICATOR, */COUNTRY or all; repeatable or comma-separated. "
               "Without a value: accept everything")


def accept_names(value: str) -> str:
    from etl.diff import Acceptance  # validates the names; pandas loads only once this runs
    try:
        Acceptance.of(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def add_accept(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--accept-changes", action="append", nargs="?", const="all", type=accept_names,
                        metavar="INDICATOR/COUNTRY", help=ACCEPT_HELP)


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
    add_accept(build)
    status = sub.add_parser("status", help="say whether the published release is up to date")
    status.add_argument("--raw-release", action="append", metavar="SOURCE=DATE")
    imp = sub.add_parser("import-shared", help="copy sources from a shared data folder into data/raw")
    imp.add_argument("shared", type=Path, help="the shared data folder (e.g. ../shared/data)")
    imp.add_argument("--source", action="append", metavar="SOURCE",
                     help="import only this source of etl/sources.yml (repeatable; default: all)")
    refresh = sub.add_parser("refresh", help="fetch the latest UNHCR and Eurostat figures, snapshot, rebuild")
    refresh.add_argument("--source", action="append", choices=["unhcr", "eurostat"],
                         help="refresh only this source (repeatable; default: both)")
    add_accept(refresh)
    refresh.add_argument("--quiet", action="store_true", help="print only errors")
    site = sub.add_parser("site", help="bake the static edition of the published release (HTML, CSV, PNG, SVG)")
    site.add_argument("--out", type=Path, default=None,
                      help="bake into this folder instead of data/releases/<id>/site (data/site is then left alone)")
    site.add_argument("--force", action="store_true", help="bake again even when the edition is complete")
    site.add_argument("--workers", type=int, default=1, choices=range(1, 9), metavar="N",
                      help="browser tabs drawing the images at once (default 1)")
    site.add_argument("--quiet", action="store_true", help="print only errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    paths = DataPaths(args.data_dir) if args.data_dir else default_data_paths()
    command = args.command or "build"
    from etl.errors import BuildError
    from etl.raw import RawSnapshotError
    try:
        if command == "import-shared":
            from etl import import_shared
            from etl.pipeline import build_lock, clean_debris, read_manifest
            print(f"Importing from {args.shared} into {paths.raw}")
            with build_lock(paths) as exclusive:  # never while a build reads or cleans data/raw
                if exclusive:
                    clean_debris(paths, read_manifest(paths))
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
                refresh.run(paths, args.source, accept_changes=args.accept_changes or False, log=log)
            except refresh.RefreshError as exc:
                print(f"Refresh failed: {exc}", file=sys.stderr)
                return 5
            return 0
        if command == "site":
            # The only command that imports the app: the edition is printed by the app's own cards.
            from app.static_edition import site
            try:
                site.publish(paths, args.out, force=args.force, workers=args.workers, log=log)
            except site.SiteError as exc:
                print(f"Static edition failed: {exc}", file=sys.stderr)
                return 6
            except RuntimeError as exc:  # BakeError, RenderError: nothing was published
                print(f"Static edition failed: {exc}\nThe previous edition is unchanged.", file=sys.stderr)
                return 6
            return 0
        releases = parse_release(getattr(args, "raw_release", None) or [])
        if command == "status":
            from etl.pipeline import status
            ok, reason = status(paths, releases)
            print(reason)
            return 0 if ok else 3
        from etl.pipeline import build
        build(paths, force=getattr(args, "force", False), releases=releases, log=log,
              accept_changes=getattr(args, "accept_changes", None) or False)
        return 0
    except (RawSnapshotError, BuildError, argparse.ArgumentTypeError, FileNotFoundError) as exc:
        print(f"Build failed: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)  # the diff gate's refusal has its own code
    except ValueError as exc:  # schema violations, metadata mismatches, unreadable raw values
        print(f"Build failed: {exc}\nThe previous release is unchanged.", file=sys.stderr)
        return 2
