"""pub_series is stacked from one publish step per source: each step speaks for its own source
only, and the stacked table is exactly their rows (checked on the real build, row for row
against the parts, so a refreshed snapshot changes the counts but never breaks the test)."""
from __future__ import annotations

import pandas as pd
import pytest

from etl.pipeline import BuildContext
from etl.steps import (STEP_MODULES, pub_series, pub_series_curated, pub_series_eurostat, pub_series_udsc,
                       pub_series_unhcr)

SOURCE_STEPS = {"unhcr": pub_series_unhcr, "eurostat": pub_series_eurostat, "udsc": pub_series_udsc,
                "curated": pub_series_curated}


@pytest.fixture(scope="module")
def release_tables(built) -> dict[str, pd.DataFrame]:
    """The built release's clean tables and pub_facts: the per-source steps' inputs."""
    paths, manifest = built
    return {name: pd.read_parquet(paths.root / entry["path"]) for name, entry in manifest["tables"].items()
            if entry["path"].endswith(".parquet") and (name.startswith("clean_") or name == "pub_facts")}


@pytest.fixture(scope="module")
def parts(release_tables) -> dict[str, pd.DataFrame]:
    ctx = BuildContext(raw={}, tables=dict(release_tables))
    out = {}
    for source_id, step in SOURCE_STEPS.items():
        (name, table), = step.run(ctx).items()
        assert name == step.OUTPUTS[0] == f"series_{source_id}"
        out[source_id] = table
    return out


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Values only: publishing coerces dtypes (strings to Arrow, None to NaN), not values."""
    values = frame.astype(object)
    return values.where(frame.notna(), None)


def test_each_source_step_publishes_only_its_own_source(parts):
    for source_id, table in parts.items():
        assert len(table), f"{source_id}: no rows"
        assert set(table["source_id"]) == {source_id}


def test_the_published_table_is_exactly_the_stacked_parts(built, parts):
    paths, manifest = built
    published = pd.read_parquet(paths.root / manifest["tables"]["pub_series"]["path"])
    counts = published["source_id"].value_counts().to_dict()
    assert counts == {source_id: len(table) for source_id, table in parts.items()}
    stacked = pub_series.build({f"series_{source_id}": table for source_id, table in parts.items()})
    pd.testing.assert_frame_equal(comparable(stacked), comparable(published))


def test_every_source_step_runs_before_the_stacking_step():
    order = {module.rsplit(".", 1)[-1]: i for i, module in enumerate(STEP_MODULES)}
    assert all(order[step.__name__.rsplit(".", 1)[-1]] < order["pub_series"] for step in SOURCE_STEPS.values())
    assert set(pub_series.INPUTS["tables"]) == {step.OUTPUTS[0] for step in SOURCE_STEPS.values()}
