"""Phone numbers as people type them, read into the API's unformatted 10 digits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.phone import (
    check_phone,
    clean,
    format_display,
    is_fictional,
    lead_label,
    read_digits,
)


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
        ("555*111*2222", "* or #"),
        ("555_111_2222", "characters"),
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


# ---- one reader: Unicode look-alikes, links, the number plan --------------------------------

LOOKALIKE_FORMS = [
    "555\u2011111\u20112222",  # non-breaking hyphens, as copied from web pages
    "555\u2013111\u20132222",  # en dashes
    "555\u2014111\u20142222",  # em dashes
    "555\u2212111\u22122222",  # minus signs
    "\u200e555-111-2222",  # the left-to-right mark Windows adds when copying
    "555-111-2222\u200f",
    "555\u00ad111\u00ad2222",  # soft hyphens
    "555\u200b111\u200b2222",  # zero-width spaces
    "\u202a555 111 2222\u202c",  # bidi embedding
    "555\u00a0111\u00a02222",  # non-breaking spaces
    "555\u202f111\u202f2222",  # narrow no-break spaces
    "\uff08\uff15\uff15\uff15\uff09\uff11\uff11\uff11\uff0d\uff12\uff12\uff12\uff12",  # full width
    "\ufeff+1 555 111 2222",
    "\u0665\u0665\u0665\u0661\u0661\u0661\u0662\u0662\u0662\u0662",  # Arabic-Indic digits
]


@pytest.mark.parametrize("typed", LOOKALIKE_FORMS)
def test_unicode_look_alikes_read_as_the_plain_number(typed: str) -> None:
    checked = check_phone(typed)
    assert checked.ok, checked.error
    assert checked.digits == "5551112222"
    assert read_digits(typed) == ("5551112222", None)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("(911) 555-1234", "N11"),
        ("(411) 555-1234", "N11"),
        ("(212) 011-1234", "exchange"),
        ("(212) 123-4567", "exchange"),
        ("+1 023 456 7890", "area code starting with 0 or 1"),
    ],
)
def test_number_plan_rules_are_errors(typed: str, words: str) -> None:
    checked = check_phone(typed)
    assert checked.digits is None and words in checked.error
    assert read_digits(typed) == (None, checked.error)


def test_the_fictional_555_range_keeps_any_exchange_as_a_warning() -> None:
    for typed in ("555-111-2222", "555-011-2222", "(555) 555-0123"):
        checked = check_phone(typed)
        assert checked.ok and checked.warning, typed


def test_excel_scientific_notation_is_named() -> None:
    checked = check_phone("5.55222E+09")
    assert not checked.ok and "scientific notation" in checked.error and "Excel" in checked.error


@pytest.mark.parametrize(
    "typed",
    ["5551112222,1234", "555 111 2222,,12#", "5551112222p12", "5551112222W12", "5551112222;777#",
     "5551112222;postd=12", "tel:+15551112224;777777777#"],
)  # fmt: skip
def test_post_dial_digits_are_refused_in_every_form(typed: str) -> None:
    checked = check_phone(typed)
    assert not checked.ok and "post-dial" in checked.error


def test_links_are_read_by_the_same_function() -> None:
    assert check_phone("tel:+1-555-111-2222").digits == "5551112222"
    assert check_phone("callto://+15551112222/").digits == "5551112222"
    assert "extension" in check_phone("tel:5551112222;ext=1").error
    assert "sip: link" in check_phone("sip:5551112222@example.com").error


# A valid number, drawn in the shapes people type, with its 10 digits.
GOOD_NUMBER = st.builds(
    lambda a, b, c, shape: (shape.format(a=a, b=b, c=c), a + b + c),
    st.from_regex(r"[2-9](?:[02-9][0-9]|1[02-9])", fullmatch=True),  # no N11 area codes
    st.from_regex(r"[2-9](?:[02-9][0-9]|1[02-9])", fullmatch=True),  # nor N11 exchanges
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.sampled_from(
        ["{a}{b}{c}", "({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "+1 {a} {b} {c}",
         "1-{a}-{b}-{c}", "tel:+1-{a}-{b}-{c}", "callto:{a}{b}{c}"]
    ),
)  # fmt: skip
INVISIBLE = "\u200e\u200f\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"  # noqa: E501
DASHES = {
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d",
    " ": "\u00a0\u2007\u202f\u2009\u3000",
}  # noqa: E501


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str, str]:
    """(a valid number, the same with look-alikes and invisible characters, its digits)."""
    text, digits = draw(GOOD_NUMBER)
    chars = []
    for char in text:
        if char in DASHES and draw(st.booleans()):
            char = draw(st.sampled_from(DASHES[char]))
        elif char.isdigit() and draw(st.integers(0, 9)) == 0:
            char = chr(0xFF10 + int(char))  # full width
        chars.append(char)
        if draw(st.integers(0, 3)) == 0:
            chars.append(draw(st.sampled_from(INVISIBLE)))
    return text, "".join(chars), digits


@settings(max_examples=300)
@given(disguised())
def test_look_alike_and_invisible_characters_change_nothing(case) -> None:
    text, mutated, digits = case
    plain, changed = check_phone(text), check_phone(mutated)
    assert (changed.digits, changed.error, changed.warning) == (
        plain.digits,
        plain.error,
        plain.warning,
    )
    assert read_digits(mutated) == read_digits(text)
    if plain.ok:
        assert plain.digits == digits


def _true_reason(text: str, error: str) -> bool:
    """Whether ``error`` says something true of ``text`` (checked without the reader)."""
    folded = clean(text).strip()
    lower = folded.lower()
    digits = re.sub(r"[^0-9]", "", folded.split(";")[0])
    national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    reasons = {
        "is empty": not folded,
        "longer than": len(folded) > 256,
        "holds no number": lower.startswith(("tel:", "callto:", ";")),
        "percent-encoding": "%" in folded,
        " link;": ":" in folded,
        "extension": any(m in lower for m in ("x", "ext", "#")),
        "post-dial": any(m in lower for m in (",", "p", "w", ";")),
        "subaddress": "isub" in lower,
        "starts with * or #": re.search(r"(^|[:/])\s*[*#]", folded) is not None,
        "contains * or #": "*" in folded or "#" in folded,
        "scientific notation": "e" in lower,
        "contains letters": any(c.isalpha() for c in folded),
        "characters other than": re.search(r"[^0-9\s().+\-/]", folded) is not None,
        "not a parameter": ";" in folded,
        "outside North America": "+" in folded
        and re.search(r"\+[\s(]*1", folded) is None
        or "phone-context=+" in lower,
        "local 7-digit": len(digits) == 7,
        "too short": len(national) < 10,
        "too long": len(national) > 10,
        "area code starting with 0 or 1": len(national) == 10 and national[0] in "01",
        "N11": len(national) == 10 and (national[1:3] == "11" or national[4:6] == "11"),
        "exchange": len(national) == 10 and national[3] in "01",
        "not a phone number": True,  # phonenumbers' own verdict on what is left
        "not a possible North American number": True,
    }
    return any(words in error and holds for words, holds in reasons.items())


PHONEISH = st.text(
    alphabet="0123456789 ()-.+/;=,#*pwxe\u2011\u2013\u00a0\u200e\uff15%", min_size=0, max_size=24
)


@settings(max_examples=600)
@given(
    st.one_of(
        PHONEISH, st.builds(str.__add__, st.sampled_from(["tel:", "callto:", "+1"]), PHONEISH)
    )
)  # noqa: E501
def test_every_refusal_names_a_true_reason(text: str) -> None:
    checked = check_phone(text)
    if checked.ok:
        assert checked.digits and len(checked.digits) == 10
        return
    assert _true_reason(text, checked.error), (text, checked.error)
    assert read_digits(text) == (None, checked.error)  # the fast path says the same


@settings(max_examples=400)
@given(
    st.one_of(
        st.text(alphabet="0123456789()-. +/\t1", max_size=22), GOOD_NUMBER.map(lambda g: g[0])
    )
)  # noqa: E501
def test_fast_path_agrees_with_phonenumbers(text: str) -> None:
    checked = check_phone(text)
    assert read_digits(text) == (checked.digits, checked.error)


def test_search_reads_part_of_a_number_with_the_same_folding() -> None:
    from console.store.models import phone_digits

    assert phone_digits("(555)\u2011111\u200e") == "555111"
    assert phone_digits("lead 12") is None


@pytest.mark.parametrize("text", ["5551112224w", "555-111-2224 p", "(555) 111-2224,"])
def test_a_pause_at_the_end_is_post_dial_not_letters(text):
    # Found by a newcomer: "5551112224w" said "contains letters", "w1234" said post-dial.
    assert "post-dial" in (check_phone(text).error or "")


@pytest.mark.parametrize("text", ["(212) 911-1234", "312-411-0000", "646 611 2345"])
def test_an_n11_exchange_is_refused_like_an_n11_area_code(text):
    error = check_phone(text).error or ""
    assert "N11" in error and "exchange" in error


def test_a_lead_is_named_by_its_name_else_its_formatted_number() -> None:
    assert lead_label("Ann Archer", "5552017777") == "Ann Archer"
    assert lead_label("", "5552017777") == "(555) 201-7777"
    assert lead_label("", "12345") == "12345"  # not ten digits: as stored
