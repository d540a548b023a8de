"""The whole shipped registry: the figures of shared/data/duo/README.md, from the files."""

from collections import Counter
from datetime import date

import pytest

from bundel.audit.models import AuditEntry
from bundel.registry.duo.errors import DuoImportError
from bundel.registry.duo.importer import Source, import_duo_files
from bundel.registry.models import Board, Location, PupilCount
from bundel.registry.selectors import registry_totals

from .duo_files import PO_PUPILS, VO_2025, excerpt


@pytest.mark.django_db
def test_shipped_files_give_the_national_totals(full_registry):
    report = full_registry
    y2019 = registry_totals(date(2019, 10, 1))
    y2025 = registry_totals(date(2025, 10, 1))

    assert y2019["pupils"] == 2_452_451
    assert y2019["po_pupils"] == 1_502_012
    assert y2019["by_sector_type"] == {
        "bo": 1_396_457,
        "sbo": 35_733,
        "so": 32_069,
        "vso": 37_753,
        "vo": 950_439,
    }
    assert y2019["outsourced_vavo"] == 6_418
    assert y2019["boards"] == 1_239
    assert y2019["locations"] == 7_137 + 1_450
    assert y2019["locations_without_board"] == 4
    assert y2025["pupils"] == 919_819
    assert y2025["boards"] == 276
    assert y2025["locations"] == 1_453
    assert (y2025["outsourced_vavo"], y2025["outsourced_vavo_suppressed"]) == (5_880, 325)
    assert PupilCount.objects.count() == 7_301 + 1_450 + 1_453
    assert sorted(code for code, *_ in report.unknown_board) == [
        "02FC00",
        "02FC04",
        "02FC07",
        "02XE00",
    ]
    assert len(report.inferred_board) == 7
    assert report.stats["pupil_counts"]["created"] == 10_204


@pytest.mark.django_db
def test_second_import_of_the_same_files_changes_nothing(full_registry, shipped_sources):
    audit_before = AuditEntry.objects.count()

    again = import_duo_files(shipped_sources)

    assert not again.changed
    assert again.stats["pupil_counts"] == Counter(unchanged=10_204)
    assert again.stats["locations"]["unchanged"] == Location.objects.count()
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_a_changed_figure_is_updated_and_audited(tmp_path):
    first = excerpt(tmp_path, VO_2025, 2, out="v1.csv")
    import_duo_files([Source(first, count_date=date(2025, 10, 1))])
    changed = tmp_path / "v2.csv"
    changed.write_bytes(first.read_bytes().replace(b";145;", b";150;"))

    report = import_duo_files([Source(changed, count_date=date(2025, 10, 1))])

    count = PupilCount.objects.get(location__code="19HY00")
    assert count.pupils == 150
    assert report.stats["pupil_counts"] == Counter(updated=1, unchanged=1)
    entry = AuditEntry.objects.get(action="registry.pupil_count.updated")
    assert entry.changes == {"pupils": [145, 150]}
    assert (entry.actor_label, entry.data) == ("DUO import", {"source": "v2.csv"})


@pytest.mark.django_db
def test_newest_source_names_the_board_and_counts_keep_their_own(tmp_path):
    """A location that moved to another board: its 2019 count stays with the old board."""
    po = excerpt(tmp_path, PO_PUPILS, 1)  # 00AO00 under board 20137 on 2019-10-01
    lines = po.read_bytes().splitlines(keepends=True)
    newer = tmp_path / "newer.csv"
    newer.write_bytes(
        lines[0] + lines[1].replace(b"20191001", b"20201001").replace(b";20137;", b";30000;")
    )

    import_duo_files([Source(po), Source(newer)])

    location = Location.objects.get(code="00AO00")
    assert (location.board.duo_number, location.board_as_of) == ("30000", date(2020, 10, 1))
    assert PupilCount.objects.get(count_date=date(2019, 10, 1)).board.duo_number == "20137"
    assert Board.objects.count() == 2


BOARDS_HEADER = (
    "BEVOEGD GEZAG NUMMER;BEVOEGD GEZAG NAAM;STRAATNAAM;HUISNUMMER-TOEVOEGING;POSTCODE;"
    "PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;TELEFOONNUMMER;INTERNETADRES;DENOMINATIE;"
    "ADMINISTRATIEKANTOORNUMMER;KVK-NUMMER"
)


@pytest.mark.django_db
def test_board_list_fills_in_names_and_kvk_numbers(tmp_path, client):
    """DUO's 'Adressen bevoegde gezagen' layout (cp1252): names replace 'Bestuur 10028'."""
    import_duo_files([Source(excerpt(tmp_path, VO_2025, 1), count_date=date(2025, 10, 1))])
    assert client.get("/api/v1/boards/10028/").json()["name"] == "Bestuur 10028"
    path = tmp_path / "bevoegde-gezagen.csv"
    path.write_bytes(
        (
            BOARDS_HEADER + "\n"
            "10028;Stichting Openbaar Onderwijs Ameland;Strand;1;9163 GJ;NES AMELAND;0060;"
            "Ameland;0519542000;www.example.nl;Openbaar;;40001234\n"
        ).encode("cp1252")
    )

    report = import_duo_files([Source(path)])

    board = Board.objects.get(duo_number="10028")
    assert report.files[0][1] == "Adressen van besturen (bevoegde gezagen)"
    assert (board.name, board.kvk_number, board.postcode) == (
        "Stichting Openbaar Onderwijs Ameland",
        "40001234",
        "9163 GJ",
    )
    assert (
        client.get("/api/v1/boards/10028/").json()["name"] == "Stichting Openbaar Onderwijs Ameland"
    )
    entry = AuditEntry.objects.get(action="registry.board.updated")
    assert entry.changes["name"] == ["", "Stichting Openbaar Onderwijs Ameland"]
    assert not import_duo_files([Source(path)]).changed


@pytest.mark.django_db
def test_board_list_with_a_bad_kvk_number_is_refused(tmp_path):
    path = tmp_path / "gezagen.csv"
    path.write_bytes((BOARDS_HEADER + "\n10028;Stichting X;;;;;;;;;;;4000\n").encode("cp1252"))

    with pytest.raises(DuoImportError) as caught:
        import_duo_files([Source(path)])

    assert (caught.value.line, caught.value.column, caught.value.value) == (2, "KVK-NUMMER", "4000")
    assert not Board.objects.exists()
