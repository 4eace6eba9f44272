import subprocess
import sys

from etl import cli
from etl.paths import REPO_ROOT
from tests.snapshots import newest_snapshot


def test_help_explains_the_build():
    out = subprocess.run([sys.executable, "-m", "etl", "--help"], capture_output=True, text=True, cwd=REPO_ROOT)
    assert out.returncode == 0
    assert "python -m etl build" in out.stdout and "manifest" in out.stdout
    assert "--accept-changes takes INDICATOR/COUNTRY" in out.stdout and "unhcr_under_mandate_stock/POL" in out.stdout
    assert "removes what an interrupted build or refresh left behind" in out.stdout


def test_build_then_status(raw_copy, capsys):
    assert cli.main(["--data-dir", str(raw_copy.root), "build"]) == 0
    out = capsys.readouterr().out
    assert "[1/" in out and "Published release" in out  # progress, then the result
    assert cli.main(["--data-dir", str(raw_copy.root), "status"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_bad_raw_file_exits_2_with_a_message(raw_copy, capsys):
    target = newest_snapshot("curated", raw_copy.raw) / "events.csv"  # the snapshot the build reads
    target.write_bytes(target.read_bytes() + b"\n")
    assert cli.main(["--data-dir", str(raw_copy.root), "build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Build failed:") and "events.csv" in err


def test_bad_release_argument_exits_2(raw_copy, capsys):
    assert cli.main(["--data-dir", str(raw_copy.root), "build", "--raw-release", "unhcr"]) == 2
    assert "SOURCE=YYYY-MM-DD" in capsys.readouterr().err


def test_status_of_an_unbuilt_folder_exits_3(raw_copy, capsys):
    assert cli.main(["--data-dir", str(raw_copy.root), "status"]) == 3
    assert "no published release" in capsys.readouterr().out
