"""Importing measurements from CSV and XLSX: all or nothing, every error with its row."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from rodtrad.core.access import SYSTEM
from rodtrad.goals import importer, services
from rodtrad.goals.models import Indicator, Measurement
from rodtrad.goals.tests.conftest import YEAR


@pytest.fixture
def by_sex(orgtree: Any) -> Indicator:
    return services.create_indicator(
        by=SYSTEM, code="EQ", name="Jämlik vård", unit=orgtree.region, by_sex=True
    )


def test_a_csv_file_with_semicolons_and_decimal_commas_imports(orgtree: Any, by_sex: Any) -> None:
    data = (
        "enhet;indikator;period;värde;kön\n"
        f"A1;EQ;{YEAR}-T1;12,5;kvinnor\n"
        f"A1;EQ;{YEAR}-T1;11;män\n"
        f"A1;EQ;{YEAR}-T1;23,5;\n"
    ).encode()
    done = importer.import_file("v.csv", data, by=SYSTEM)
    assert done.rows == 3
    assert sorted(Measurement.objects.values_list("sex", "value")) == [
        ("men", 11.0),
        ("total", 23.5),
        ("women", 12.5),
    ]
    importer.import_file("v.csv", data.replace(b"23,5", b"24"), by=SYSTEM)
    assert Measurement.objects.get(sex="total").value == 24.0


def test_an_xlsx_file_imports(orgtree: Any, by_sex: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Unit", "Indicator", "Period", "Value"])
    sheet.append(["B1", "EQ", f"{YEAR}-T2", 7])
    out = io.BytesIO()
    book.save(out)
    assert importer.import_file("v.xlsx", out.getvalue(), by=SYSTEM).rows == 1


def test_a_file_with_errors_imports_nothing_and_names_every_error_by_row(orgtree: Any, world: Any) -> None:
    data = (
        "enhet,indikator,period,värde,kön\n"
        f"A1,WAIT,{YEAR}-T1,10,\n"
        f"NOPE,WAIT,{YEAR}-T1,10,\n"
        f"A1,NOPE,{YEAR}-T1,10,\n"
        f"A1,WAIT,{YEAR}-T7,10,\n"
        f"A1,WAIT,{YEAR}-T2,tio,\n"
        f"A1,WAIT,{YEAR}-T2,10,kvinnor\n"
        f"A1,WAIT,{YEAR}-T1,11,\n"
    ).encode()
    with pytest.raises(services.InvalidRows) as err:
        importer.import_file("v.csv", data, by=SYSTEM)
    found = [(e.line, e.field) for e in err.value.errors]
    assert found == [(3, "unit"), (4, "indicator"), (5, "period"), (6, "value"), (7, "sex"), (8, "period")]
    messages = " ".join(e.message for e in err.value.errors)
    assert "NOPE" in messages and f"{YEAR}-T7" in messages and err.value.errors[-1].message.endswith("2")
    assert not Measurement.objects.exists()


def test_a_reporter_cannot_import_values_for_another_unit(orgtree: Any, people: Any, world: Any) -> None:
    data = f"enhet;indikator;period;värde\nB1;WAIT;{YEAR}-T1;5\n".encode()
    with pytest.raises(services.InvalidRows) as err:
        importer.import_file("v.csv", data, by=people.editor_a1)
    assert err.value.errors[0].line == 2 and "B1" in err.value.errors[0].message
    assert not Measurement.objects.exists()


def test_a_file_without_the_columns_is_refused(world: Any) -> None:
    with pytest.raises(importer.UnreadableFile):
        importer.import_file("v.csv", b"a;b\n1;2\n", by=SYSTEM)
    with pytest.raises(importer.UnreadableFile):
        importer.import_file("v.pdf", b"%PDF", by=SYSTEM)


def test_the_command_lists_errors_and_exits_non_zero(tmp_path: Any, world: Any) -> None:
    path = tmp_path / "v.csv"
    path.write_text(f"enhet;indikator;period;värde\nA1;WAIT;{YEAR}-T1;5\nX;WAIT;{YEAR}-T1;5\n")
    with pytest.raises(CommandError):
        call_command("import-measurements", str(path))
    path.write_text(f"enhet;indikator;period;värde\nA1;WAIT;{YEAR}-T1;5\n")
    out = io.StringIO()
    call_command("import-measurements", str(path), stdout=out)
    assert "Imported 1" in out.getvalue()
