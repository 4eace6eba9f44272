"""Publish the static edition of the current release: `python -m etl site`.

The edition is baked into a temporary folder beside its target and renamed into place, so a
reader (or nginx) sees the previous edition or the new one, never half of one. The target is
<data>/releases/<release_id>/site/ (removed with its release when the build prunes it), and the
stable link <data>/site points to it; the link is replaced atomically (a new symlink renamed over
it), and a new edition of the same release is exchanged with the old one in one atomic step.
A run finds the edition complete and returns at once when edition.json names the same
fingerprint (release, the app's code and texts, plotly, the public address links are built on,
the languages and cards) and every file it lists is there with its size.

Only the standard library is imported until there is something to bake, so a run with nothing to
do takes a fraction of a second. The Streamlit server never imports this package.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from importlib import metadata as package_metadata
from pathlib import Path

from app.release_files import read_checked
from etl.paths import REPO_ROOT, DataPaths

try:
    import fcntl
except ImportError:  # not POSIX: bakes are not serialised across processes
    fcntl = None  # type: ignore[assignment]

SITE_LINK = "site"                    # <data>/site → releases/<release_id>/site
EDITION_FILE = "edition.json"
LANGUAGES = ("en", "pl", "lt", "be")  # app.i18n.LANGUAGES (a test checks they agree)
APP_DIR = REPO_ROOT / "app"
# What the pages are made of besides the release: the app's code, texts, fonts and assets, the
# English indicator texts, the Streamlit configuration (the default address of links) and the
# packages that draw the charts.
INPUTS = [APP_DIR, REPO_ROOT / "etl" / "metadata" / "indicators", REPO_ROOT / ".streamlit" / "config.toml"]
PACKAGES = ("plotly", "kaleido", "streamlit", "pandas", "babel")


class SiteError(RuntimeError):
    """The edition cannot be published (no intact release, or a target that is not an edition)."""


def fingerprint(release_id: str, languages: list[str], names: list[str] | None) -> str:
    digest = hashlib.sha256()
    for root in INPUTS:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO_ROOT)).encode())
                digest.update(path.read_bytes())
    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = package_metadata.version(package)
        except package_metadata.PackageNotFoundError:
            versions[package] = None
    digest.update(json.dumps({"release": release_id, "languages": languages, "names": names, "versions": versions,
                              "public_url": os.environ.get("EXILE_PUBLIC_URL", "")}, sort_keys=True).encode())
    return digest.hexdigest()


def read_edition(folder: Path) -> dict | None:
    try:
        edition = json.loads((folder / EDITION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return edition if isinstance(edition, dict) else None


def complete(folder: Path, expected: str) -> bool:
    """The edition in `folder` was baked from the same inputs and every file it lists is there."""
    edition = read_edition(folder)
    if edition is None or edition.get("fingerprint") != expected or not isinstance(edition.get("files"), dict):
        return False
    for name, size in edition["files"].items():
        try:
            if (folder / name).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


@contextlib.contextmanager
def site_lock(target: Path) -> Iterator[None]:
    """One bake per target at a time, across processes (flock, released by the kernel on death)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def _remove_leftovers(target: Path) -> None:
    """What a killed bake left beside the target (only ever called with the lock held)."""
    for pattern in (f".{target.name}.*.partial", f".{target.name}.*.old"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def point_link(paths: DataPaths, target: Path) -> None:
    """<data>/site → target (relative, so the data folder can be moved or mounted elsewhere),
    replaced atomically: a new symlink renamed over the old one."""
    link = paths.root / SITE_LINK
    if link.exists() and not link.is_symlink():
        raise SiteError(f"{link} exists and is not a symlink: move it away, `python -m etl site` manages that name")
    for stale in paths.root.glob(f".{SITE_LINK}.*.tmp"):
        if stale.is_symlink():
            stale.unlink()
    temporary = paths.root / f".{SITE_LINK}.{secrets.token_hex(4)}.tmp"
    os.symlink(os.path.relpath(target, paths.root), temporary, target_is_directory=True)
    try:
        os.replace(temporary, link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where the
    system cannot (then nothing was changed)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_in(baked: Path, target: Path, paths: DataPaths | None) -> None:
    """Put the baked folder at `target`. A previous edition there is exchanged with it in one
    atomic step (where the system cannot, renamed away first: a gap of two renames), then removed."""
    if target.exists() or target.is_symlink():
        if read_edition(target) is None and (not target.is_dir() or any(target.iterdir())):
            raise SiteError(f"{target} exists and is not a static edition (no {EDITION_FILE}): not replacing it")
        if exchange(baked, target):
            shutil.rmtree(baked, ignore_errors=True)  # now the previous edition
        else:
            old = target.parent / f".{target.name}.{secrets.token_hex(4)}.old"
            os.rename(target, old)
            os.rename(baked, target)
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(baked, target)
    if paths is not None:
        point_link(paths, target)


def publish(paths: DataPaths, out: Path | None = None, *, force: bool = False, workers: int = 1,
            languages: list[str] | None = None, names: list[str] | None = None,
            images: Callable[[], object] | None = None, log: Callable[[str], None] = print) -> dict:
    """Bake the edition of the published release (unless it is complete already) and publish it:
    at <data>/releases/<id>/site with the link <data>/site, or at `out`. Returns edition.json's
    summary, with `skipped` saying whether anything was baked. `images`: a factory of the image
    sink (tests give one that draws nothing); `names`: only these registry cards (tests)."""
    started = time.perf_counter()
    manifest, problem = read_checked(paths)
    if problem is not None:
        raise SiteError(f"cannot bake the static edition: {problem.reason()}")
    assert manifest is not None
    release_id = manifest["release_id"]
    languages = list(languages or LANGUAGES)
    target = Path(out).resolve() if out is not None else paths.releases / release_id / "site"
    link_paths = paths if out is None else None
    expected = fingerprint(release_id, languages, sorted(names) if names else None)
    with site_lock(target):
        if not force and complete(target, expected):
            if link_paths is not None:
                point_link(link_paths, target)
            edition = read_edition(target) or {}
            log(f"Nothing changed: the static edition of release {release_id} is complete at {target} "
                f"({time.perf_counter() - started:.2f} s). Use --force to bake it again.")
            return {**edition, "skipped": True, "path": str(target)}
        _remove_leftovers(target)
        baked = target.parent / f".{target.name}.{secrets.token_hex(4)}.partial"
        log(f"Baking the static edition of release {release_id} into {target}")
        try:
            from app import data
            from app.bare_mode import quiet_streamlit
            from app.static_edition import bake
            quiet_streamlit()
            release = data.Release(paths, manifest)
            sink = images() if images is not None else bake.BrowserImages(workers)
            summary = bake.bake(release, baked, sink, languages=languages, names=names, log=log)  # type: ignore[arg-type]
            summary["fingerprint"] = expected
            (baked / EDITION_FILE).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
            swap_in(baked, target, link_paths)
        except BaseException:
            shutil.rmtree(baked, ignore_errors=True)
            raise
    files = summary["files"]
    total = sum(files.values())
    log(f"Published the static edition: {len(summary['cards'])} cards × {len(languages)} languages, "
        f"{len(files) + 1} files, {total / 1e6:.1f} MB, in {time.perf_counter() - started:.1f} s"
        + (f" (link: {paths.root / SITE_LINK})" if link_paths is not None else ""))
    return {**summary, "skipped": False, "path": str(target)}
