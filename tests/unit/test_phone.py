"""Phone numbers as people type them, read into the API's unformatted 10 digits."""

from __future__ import annotations

import pytest

from console.phone import check_phone, format_display, is_fictional


@pytest.mark.parametrize(
    "typed",
    [
        "5551112222",
        "(555) 111-2222",
        "+1 555 111 2222",
        "555.111.2222",
        "555-111-2222",
        "1 555 111 2222",
        "+15551112222",
        "  (555)111-2222  ",
        "555/111/2222",
    ],
)
def test_typed_forms_normalize_to_ten_digits(typed: str) -> None:
    checked = check_phone(typed)
    assert checked.ok, checked.error
    assert checked.digits == "5551112222"


def test_fictional_555_number_is_accepted_with_a_warning() -> None:
    # The vendor's own examples use 555: possible in shape, not assigned.
    checked = check_phone("(555) 111-2222")
    assert checked.ok and checked.error is None
    assert checked.digits == "5551112222"
    assert checked.warning and "fictional 555 range" in checked.warning


@pytest.mark.parametrize(
    ("digits", "fictional"),
    [
        ("5551112222", True),  # the unassigned area code of the vendor's examples
        ("2125550123", True),  # NXX-555-0100 to 0199: kept for fiction
        ("2125550199", True),
        ("2125550200", False),
        ("2125551234", False),
        ("9995551234", False),  # unassigned, but not the 555 range
        ("555111222", False),
    ],
)
def test_the_fictional_555_range(digits: str, fictional: bool) -> None:
    assert is_fictional(digits) is fictional


def test_a_fictional_number_phonenumbers_calls_valid_still_warns() -> None:
    assert "fictional" in (check_phone("(212) 555-0123").warning or "")
    assert "not an assigned number" in (check_phone("(999) 555-1234").warning or "")


def test_assigned_number_has_no_warning() -> None:
    checked = check_phone("(212) 555-1234")
    assert checked.ok
    assert checked.digits == "2125551234"
    assert checked.warning is None


@pytest.mark.parametrize(
    "typed",
    [
        "555-111-2222 ext 12",
        "555-111-2222 ext. 12",
        "555 111 2222 extension 4",
        "5551112222x5",
        "(555) 111-2222 x 5",
        "+1 555 111 2222 #12",
        "5551112222;ext=4",
    ],
)
def test_extension_is_refused(typed: str) -> None:
    checked = check_phone(typed)
    assert not checked.ok and checked.digits is None
    assert "extension" in checked.error


@pytest.mark.parametrize("typed", ["555-CALL-NOW", "1-800-FLOWERS", "555111222a", "abc"])
def test_letters_are_refused(typed: str) -> None:
    checked = check_phone(typed)
    assert not checked.ok and checked.digits is None
    assert "letters" in checked.error


@pytest.mark.parametrize("typed", ["555-1234", "111 2222"])
def test_seven_digit_local_number_is_refused(typed: str) -> None:
    checked = check_phone(typed)
    assert not checked.ok
    assert "7-digit" in checked.error and "area code" in checked.error


@pytest.mark.parametrize(
    ("typed", "country"),
    [("+44 20 7946 0958", "+44"), ("+33 1 23 45 67 89", "+33"), ("+52 55 1234 5678", "+52")],
)
def test_number_outside_north_america_is_refused_saying_so(typed: str, country: str) -> None:
    checked = check_phone(typed)
    assert not checked.ok
    assert "North America" in checked.error
    assert country in checked.error


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("555111222", "too short"),
        ("911", "too short"),
        ("555111222233", "too long"),
        ("+1-555-111-22222", "too long"),
        ("(123) 456-7890", "area code"),
        ("+1 023 456 7890", ""),
        ("", "empty"),
        ("   ", "empty"),
        ("()", "not a phone number"),
        ("555*111*2222", "characters"),
    ],
)
def test_impossible_numbers_are_refused(typed: str, words: str) -> None:
    checked = check_phone(typed)
    assert not checked.ok and checked.digits is None
    assert words in checked.error


def test_check_keeps_what_was_typed() -> None:
    assert check_phone(" (555) 111-2222").text == " (555) 111-2222"


def test_format_display() -> None:
    assert format_display("5551112222") == "(555) 111-2222"
    assert format_display("12345") == "12345"
    assert format_display("abcdefghij") == "abcdefghij"
