"""Files as the tools people use export them: each sample imports with its values right."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.csvio import import_leads, import_team, preview
from console.csvlayout import Mapping, header_key, recognise
from console.store import TeamMember

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "imports"


def _leads(report) -> list[tuple[str, str, str]]:
    return [(lead.name, lead.number, lead.company) for lead in report.leads]


def test_google_contacts() -> None:
    report = import_leads(SAMPLES / "google_contacts.csv")
    assert _leads(report) == [
        ("Priya Raman", "5557012234", "Raman Consulting"),  # her Work number before Mobile
        ("Jonas Schmidt", "5557014455", "Schmidt GmbH"),
        ("Chloé Martin", "5557018899", ""),
        ("", "5557011010", "Front Desk"),  # a row with only an organization
    ]
    assert report.leads[0].notes == "Met at expo, wants a demo\nCall after 3pm, ET"
    assert report.sources == ["Phone 2 - Value", "Phone 1 - Value", "Phone 1 - Value",
                              "Phone 1 - Value"]  # fmt: skip
    assert report.problems == []
    assert report.notices == [
        "line 4: Phone 1 - Value holds 2 numbers; took the first that can be dialed, "
        "'+1 555-701-4455'"
    ]
    summary = "\n".join(report.summary())
    assert "name from First Name + Middle Name + Last Name" in summary
    assert "Ignored columns: Phonetic First Name" in summary and "E-mail 1 - Value" in summary
    # Her Work number came before her Mobile one: the summary says the labels decide, not
    # "the first filled" (a newcomer read it that way and found Phone 1 skipped).
    assert "by its label: main, then work, mobile, home, other" in summary
    assert "the first filled" not in summary


def test_google_contacts_legacy_utf16() -> None:
    report = import_leads(SAMPLES / "google_contacts_legacy_utf16.csv")
    assert report.encoding == "utf-16"
    assert _leads(report) == [
        ("Kim Lee", "5557023344", "Tech Style Ltd"),
        ("Omar Haddad", "5557025566", "Haddad Imports"),
    ]
    assert report.leads[0].notes == "Prefers email, calls after 3pm."
    assert report.problems == []


def test_the_legacy_google_export_without_its_bom_reads_the_same(tmp_path: Path) -> None:
    data = (SAMPLES / "google_contacts_legacy_utf16.csv").read_bytes()
    assert data.startswith(b"\xff\xfe")
    report = import_leads(data[2:])
    assert report.encoding == "utf-16-le"
    assert report.header[0] == "Name"
    assert _leads(report)[0] == ("Kim Lee", "5557023344", "Tech Style Ltd")


def test_hubspot() -> None:
    report = import_leads(SAMPLES / "hubspot_contacts_export.csv")
    assert _leads(report) == [
        ("Gail Harper", "5556123344", "Compile Co"),
        ("Alvin Turner", "5556127788", "Bletchley Ltd"),
        ("Ada Loveday", "5556129900", "Engines & Co"),  # only a mobile number
        ("Barb Lisle", "5556121212", "Substitution Inc"),
    ]
    assert report.sources == ["Phone Number", "Phone Number", "Mobile Phone Number",
                              "Phone Number"]  # fmt: skip
    assert report.problems == [
        "line 5: Phone Number '555.612.4545 ext. 9' has an extension, which the API cannot dial"
    ]
    assert report.ignored() == ["Record ID", "Email", "Contact owner", "Lead Status",
                                "Create Date", "Associated Company"]  # fmt: skip


def test_salesforce_report_with_its_footer() -> None:
    report = import_leads(SAMPLES / "salesforce_leads_report.csv")
    assert _leads(report) == [
        ("Ana Núñez", "5552013344", "Acme Widgets"),
        ("Raj Patel", "5553104455", "Globex"),  # Phone empty, Mobile filled
        ("Tom Becker", "5555332211", "Becker & Söhne"),
        ("Li Wei", "5556447788", "Umbrella Corp"),
    ]
    assert report.sources[1] == "Mobile"
    # The extension is refused; the footer lines are skipped and counted, not listed.
    assert report.problems == [
        "line 4: Phone '(555) 422-1000 x205' has an extension, which the API cannot dial"
    ]
    assert (report.footer, report.blank) == (3, 2)
    assert "Skipped 3 report footer lines and 2 blank lines." in report.summary()


def test_excel_sep_line() -> None:
    report = import_leads(SAMPLES / "sep_hint_leads.csv")
    assert _leads(report) == [("Jane Roe", "5551112226", "Acme")]
    assert report.problems == []


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        # Outlook: the business number before the mobile; a fax is never called.
        ("First Name,Last Name,Company,Business Fax,Mobile Phone,Business Phone",
         "Ann,Archer,Acme,555-201-0000,555-201-1111,555-201-2222",
         ("Ann Archer", "5552012222", "Acme")),
        # Pipedrive people export.
        ("Person - Name,Person - Organization,Person - Phone - Mobile,Person - Label",
         "Maya Chen,Northstar,+1 555-201-3333,Hot lead", ("Maya Chen", "5552013333", "Northstar")),
        # Zoho contacts.
        ("Contact Owner,First Name,Last Name,Account Name,Phone,Mobile,Description",
         "Avery,Mia,Ortiz,Initech,,555 201 4444,likes mornings", ("Mia Ortiz", "5552014444",
                                                                "Initech")),
        # Salesforce list view and Data Loader.
        ("Name,Company,Phone,Mobile Phone,Lead Status,Owner Alias",
         "Raj Patel,Globex,(555) 201-5555,,Open,dwhit", ("Raj Patel", "5552015555", "Globex")),
        ("FirstName,LastName,Company,Phone,MobilePhone", "Li,Wei,Umbrella,,5552016666",
         ("Li Wei", "5552016666", "Umbrella")),
        # Dynamics 365: "Contact" is a record id, "Full Name" the name.
        ("Contact,Full Name,Company Name,Business Phone",
         "8d9619ff-8b86,Tom Becker,Becker AG,555-201-7777", ("Tom Becker", "5552017777",
                                                           "Becker AG")),
        # Plain sheets.
        ("Full Name,Telephone", "Jane Roe,555.201.8888", ("Jane Roe", "5552018888", "")),
        ("Name,Mobile", "John Doe,5552019999", ("John Doe", "5552019999", "")),
        ("Contact Name;Cell;Organisation", "Kim Lee;555 202 0000;Tech", ("Kim Lee", "5552020000",
                                                                        "Tech")),
    ],
)  # fmt: skip
def test_common_layouts_are_recognised(header: str, row: str, expected) -> None:
    report = import_leads(f"{header}\n{row}\n")
    assert report.problems == []
    assert _leads(report) == [expected]


def test_a_later_phone_column_is_used_when_the_first_cannot_be_dialed() -> None:
    report = import_leads("Name,Phone,Mobile\nAnn,555-201-1111 x12,555-201-2222\n")
    assert _leads(report) == [("Ann", "5552012222", "")]
    assert report.notices == [
        "line 2: Phone '555-201-1111 x12' has an extension, which the API cannot dial; "
        "took Mobile instead"
    ]


def test_a_multi_value_cell_takes_its_first_dialable_number() -> None:
    report = import_leads("Name,Phone 1 - Value\nAnn,+44 20 7946 0958 ::: 555-201-3333\n")
    assert _leads(report) == [("Ann", "5552013333", "")]
    assert (
        "holds 2 numbers; took the first that can be dialed, '555-201-3333'" in (report.notices[0])
    )


def test_a_row_without_any_number_names_the_columns_looked_in() -> None:
    report = import_leads("First Name,Phone,Mobile\nAnn,,\nBob,5552014444,\n")
    assert report.problems == ["line 2: no number in Phone, Mobile"]


def test_cr_only_line_ends_and_excel_scientific_notation() -> None:
    report = import_leads("Name,Phone\rAnn,5552015555\rBob,5.55222E+09\r")
    assert _leads(report) == [("Ann", "5552015555", "")]
    assert report.problems[0].startswith("line 3: Phone '5.55222E+09' is in scientific notation")
    assert "Excel" in report.problems[0]


def test_a_footer_without_a_blank_line_is_known_by_its_words() -> None:
    text = "Name,Phone\nAnn,5552015555\nGrand Totals (1 records)\nCopyright (c) 2026 Acme\n"
    report = import_leads(text)
    assert _leads(report) == [("Ann", "5552015555", "")]
    assert report.problems == [] and report.footer == 2
    # A trailing name without a number, and not worded as a footer, is a row like any other.
    report = import_leads("Name,Phone\nAnn,5552015555\nBob\n")
    assert report.problems == ["line 3: no number in Phone"] and report.footer == 0


def test_a_title_above_the_header_is_passed_over() -> None:
    text = (
        '"Pipedrive sample data\n- notes",,\n'
        "Person - Name*,Person - Phone,Organization - Name*\n"
        "Tony Turner,555-809-7197,Moveer Limited\n"
    )
    report = import_leads(text)
    assert _leads(report) == [("Tony Turner", "5558097197", "Moveer Limited")]


def test_nul_characters_are_removed_and_said() -> None:
    report = import_leads("Name,Phone,Company,Notes\nA\x00nn,5552016666,Ac\x00me,hi\x00\n")
    assert _leads(report) == [("Ann", "5552016666", "Acme")] and report.leads[0].notes == "hi"
    assert report.notices == [
        "line 2: removed NUL characters from the name",
        "line 2: removed NUL characters from the company",
        "line 2: removed NUL characters from the notes",
    ]


def test_an_unrecognised_file_can_be_read_with_an_explicit_mapping() -> None:
    text = "Kunde,Rufnummer,Firma\nAnn,555-201-7777,Acme\n"
    assert recognise(["Kunde", "Rufnummer", "Firma"]) is None
    assert "no column holds phone numbers" in import_leads(text).problems[0]
    mapping = Mapping(phones=(1,), full_name=0, company=2)
    report = import_leads(text, mapping=mapping)
    assert _leads(report) == [("Ann", "5552017777", "Acme")]
    assert report.columns()["phone"] == ["Rufnummer"]
    # What the window shows to pick from, and the key a choice is remembered by.
    shown = preview(text)
    assert shown.header == ["Kunde", "Rufnummer", "Firma"] and shown.mapping is None
    assert shown.rows == [["Ann", "555-201-7777", "Acme"]]
    assert shown.key == header_key([" kunde", "RUFNUMMER ", "Firma"])
    assert Mapping.from_json(mapping.to_json(), width=3) == mapping
    assert Mapping.from_json(mapping.to_json(), width=2) is None  # a column past the header
    assert Mapping.from_json({"phones": "x"}, width=3) is None


def test_team_rosters_use_the_same_recognition() -> None:
    result = import_team("First Name,Last Name,Mobile\nAnn,Archer,555-201-8888\nBob,,5552019999\n")
    assert result.members == [
        TeamMember("Ann Archer", "5552018888", True),
        TeamMember("Bob", "5552019999", True),
    ]
    assert result.problems == []
    result = import_team("Label,Number,Enabled\nDesk,5552010000,no\n")
    assert result.members == [TeamMember("Desk", "5552010000", False)]


def test_a_chosen_mapping_is_remembered_per_header(tmp_path: Path) -> None:
    from console.csvlayout import MAX_REMEMBERED, remember, remembered
    from console.settings import Settings

    settings = Settings(tmp_path / "settings.json")
    header = ["Kunde", "Rufnummer"]
    assert remembered(settings, header) is None
    mapping = Mapping(phones=(1,), full_name=0)
    remember(settings, header, mapping)
    reopened = Settings(tmp_path / "settings.json")
    assert remembered(reopened, [" KUNDE", "rufnummer "]) == mapping
    assert remembered(reopened, ["Kunde", "Rufnummer", "Firma"]) is None  # another header
    for n in range(MAX_REMEMBERED):
        remember(reopened, [f"col {n}", "x"], Mapping(phones=(1,)))
    assert remembered(Settings(tmp_path / "settings.json"), header) is None  # the oldest goes
