"""UNHCR's 'under mandate' count is exactly what its label says: refugees plus asylum seekers. The
third group, other people in need of international protection, is empty in the embedded release,
and no label, legend or note lists it as counted."""
import pandas as pd

from app import i18n


def read(built, name):
    paths, manifest = built
    return pd.read_parquet(paths.root / manifest["tables"][name]["path"])


def test_under_mandate_is_refugees_plus_asylum_seekers(built):
    series = read(built, "pub_series")
    unhcr = series[series["source_id"] == "unhcr"]
    key = ["origin", "destination", "period_end"]
    parts = unhcr[unhcr["indicator"].isin(["unhcr_refugees_stock", "unhcr_asylum_seekers_stock"])]
    expected = parts.groupby(key)["value"].sum()
    mandate = unhcr[unhcr["indicator"] == "unhcr_under_mandate_stock"].set_index(key)["value"].sort_index()
    pd.testing.assert_series_equal(mandate, expected.sort_index(), check_names=False)


def test_the_oip_indicator_is_empty_as_its_note_says(built):
    """If a release brings figures for other people in need of international protection, its note
    ('not reported in this extract') and the labels of the mandate count must be revisited."""
    series = read(built, "pub_series")
    assert series[series["indicator"] == "unhcr_oip_stock"].empty
    assert "Not reported in this extract" in i18n.t("indicators.unhcr_oip_stock.note", "en")


def test_no_message_lists_other_people_in_need_of_protection_as_counted():
    for key, text in i18n.catalogue("en").items():
        if "in need of" in text and not key.startswith("indicators.unhcr_oip_stock."):
            assert "not included" in text, f"{key} lists other people in need of protection as counted: {text}"
