import pandas as pd
import pytest

from etl.steps import clean_unhcr

HEADER = "year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,refugees,asylum_seekers,returned_refugees,idps,returned_idps,stateless,ooc,oip,hst"


def population(tmp_path, *rows):
    path = tmp_path / "population.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return clean_unhcr.clean_population(clean_unhcr.read_raw_csv(path))


def test_dash_and_blank_become_null_never_zero(tmp_path):
    frame = population(tmp_path, "2024,Belarus,BLR,BLR,Poland,POL,POL,10035,-,0,0,0,0,0,,0")
    row = frame.iloc[0]
    assert row["refugees"] == 10035
    assert pd.isna(row["asylum_seekers"]) and pd.isna(row["oip"])
    assert row["returned_refugees"] == 0  # a real zero stays zero
    assert (row["origin"], row["destination"]) == ("BLR", "POL")


def test_other_text_in_a_count_fails_with_its_row(tmp_path):
    with pytest.raises(ValueError, match=r"column refugees has non-numeric value 'n/a' at data row 2"):
        population(tmp_path, "2024,Belarus,BLR,BLR,Poland,POL,POL,n/a,0,0,0,0,0,0,,0")


def test_code_na_stays_text(tmp_path):
    path = tmp_path / "asylum_applications.csv"
    path.write_text("year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,procedure_type,app_type,dec_level,app_pc,applied\n"
                    "2020,Belarus,BLR,BLR,Germany,GFR,DEU,G,NA,NA,P,47\n")
    frame = clean_unhcr.clean_applications(clean_unhcr.read_raw_csv(path))
    assert frame.loc[0, "app_type"] == "NA" and frame.loc[0, "dec_level"] == "NA"
