"""Mappings are data files in etl/metadata/: a label or prefix they lack stops the build with an
error that names the file to edit, never a silent null category."""
from __future__ import annotations

import pandas as pd
import pytest

from etl import mappings
from etl.steps import pub_facts


def test_every_label_is_mapped_through_the_file():
    labels = pd.Series(["pobyt czasowy", "SUMA"])
    assert list(mappings.map_every(labels, "udsc_labels", "document_types")) == ["temporary_residence", "total"]


def test_a_label_the_file_lacks_is_an_error_naming_the_file():
    labels = pd.Series(["pobyt czasowy", "wiza pracownicza"])
    with pytest.raises(mappings.MappingError, match=r"etl/metadata/udsc_labels.yml.*document_types.*wiza pracownicza"):
        mappings.map_every(labels, "udsc_labels", "document_types")


def test_a_section_that_is_not_a_table_of_codes_is_refused():
    with pytest.raises(mappings.MappingError, match="udsc_labels.yml: `no_such_table`"):
        mappings.section("udsc_labels", "no_such_table")


def test_the_longest_metric_prefix_wins():
    # LT_THREAT_BYRU_ and LT_THREAT_BY_ both match; SURV_ECFR_PROTECTION is more specific than SURV_.
    assert pub_facts.stem_for("LT_THREAT_BYRU_2024") == "lt_security_threat"
    assert pub_facts.stem_for("SURV_ECFR_PROTECTION") == "exile_share_lack_of_protection"
    assert pub_facts.stem_for("SURV_CHATHAM_2023") == "exile_estimate"


def test_every_stem_has_an_indicator_metadata_file():
    """A prefix added without its indicator's metadata would fail the build later and less clearly."""
    from etl.metadata import INDICATOR_DIR
    stems = set(mappings.load_mapping("metric_prefixes").values())
    described = {path.stem.rsplit("_", 1)[0] for path in INDICATOR_DIR.glob("*.yml")}
    assert stems <= described, sorted(stems - described)
