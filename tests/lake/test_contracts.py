"""Table contracts: their schemas and the user documentation that describes them."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from sinergi.lake.contracts import CONTRACTS, ISSUE_TYPE, ISSUES, ROW, SHEET

DOCS = Path(__file__).parents[2] / "docs" / "contracts.md"


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_every_contract_and_field_is_documented_for_users(name: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    contract = CONTRACTS[name]
    assert f"## `{name}`" in text
    section = text.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
    for field in contract.fields:
        assert f"| `{field.name}` |" in section, field.name


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_schema_is_the_fields_then_the_bookkeeping_columns(name: str) -> None:
    contract = CONTRACTS[name]
    schema = contract.schema()
    assert schema.names == [*contract.names, ROW, SHEET, ISSUES]
    assert schema.field(ROW).type == pa.int64() and not schema.field(ROW).nullable
    assert schema.field(ISSUES).type == ISSUE_TYPE
    assert len(set(contract.names)) == len(contract.names)


def test_identity_groups_name_real_fields() -> None:
    for contract in CONTRACTS.values():
        for group in contract.must_have:
            for name in group:
                assert contract.field(name).name == name


def test_types_follow_the_kind_of_each_field() -> None:
    person = CONTRACTS["person"]
    assert person.field("birth_date").arrow_type == pa.date32()
    assert person.field("desil").arrow_type == pa.int64()
    assert person.field("disability").arrow_type == pa.bool_()
    assert CONTRACTS["program_receipt"].field("amount").arrow_type == pa.float64()
    with pytest.raises(KeyError):
        person.field("no_such_field")


def test_code_fields_list_their_codes_and_aliases() -> None:
    sex = CONTRACTS["person"].field("sex")
    assert set(sex.codes) == {"L", "P"}
    assert "PEREMPUAN" in sex.codes["P"]
    relationship = CONTRACTS["person"].field("relationship")
    assert "KEPALA KELUARGA" in relationship.codes["1"]
