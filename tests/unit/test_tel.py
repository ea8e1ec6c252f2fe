"""tel: and callto: links: the forms pages and CRMs emit, and clear refusals for the rest."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.tel import MAX_LINK_LENGTH, parse_tel_link


@pytest.mark.parametrize(
    "link",
    [
        "tel:+1-555-111-2222",
        "tel:5551112222",
        "tel:+15551112222",
        "TEL:+1.555.111.2222",
        "tel:(555)111-2222",
        "tel:(555)%20111-2222",
        "tel:%2B1%20555%20111%202222",
        "tel:+1-555-111-2222;foo=bar",
        "tel:555-111-2222;phone-context=+1",
        "tel:555-111-2222;phone-context=example.com",
        "tel://5551112222",
        "callto:5551112222",
        "callto:+1-555-111-2222",
        "callto://+15551112222",
        "callto://+15551112222/",
        "  tel:5551112222\n",
        # Unicode look-alikes, as pages and chat apps write them (raw or percent-encoded).
        "tel:555\u2011111\u20112222",
        "tel:555%E2%80%91111%E2%80%912222",
        "tel:555\u2013111\u20132222",
        "tel:555\u00a0111\u00a02222",
        "tel:555%C2%A0111%C2%A02222",
        "tel:\u200e+1 555 111 2222",
        "tel:%E2%80%8E+15551112222",
        "tel:\uff15\uff15\uff15\uff11\uff11\uff11\uff12\uff12\uff12\uff12",
    ],
)
def test_accepted_forms_give_the_ten_digits(link: str) -> None:
    assert parse_tel_link(link) == "5551112222"


@pytest.mark.parametrize(
    ("link", "rule"),
    [
        ("", "only tel: and callto: links"),
        ("5551112222", "only tel: and callto: links"),
        ("https://example.com/tel:5551112222", "only tel: and callto: links"),
        ("sip:5551112222@example.com", "only tel: and callto: links"),
        ("tel:", "holds no number"),
        ("tel:;foo=1", "holds no number"),
        ("tel:+1-555-111-2222;ext=42", "extension"),
        ("tel:+1-555-111-2222;EXT=42", "extension"),
        ("tel:+1-555-111-2222%3Bext=42", "extension"),
        ("tel:+1-555-111-2222;isub=1234", "subaddress"),
        ("tel:+1-555-111-2222;postd=pp22", "post-dial"),
        ("tel:*67-555-111-2222", "service code"),
        ("tel:%2331%23", "service code"),
        ("tel:+1 555 111 2222?call", "contains letters"),
        ("tel:+1 555 111 2222?", "characters other than digits"),
        ("callto:echo123", "contains letters"),
        ("tel:5551112222%FF", "not valid UTF-8"),
        ("tel:+44-20-7946-0958", "outside North America"),
        ("tel:20-7946-0958;phone-context=+44", "outside North America"),
        ("tel:555-1112", "area code"),
        ("tel:+1-555-111-22223", "too long"),
        ("tel:555-11", "too short"),
        ("tel:" + "5" * (MAX_LINK_LENGTH + 1), f"longer than {MAX_LINK_LENGTH}"),
        # Post-dial digits in every form a CRM or a page writes them.
        ("tel:+15551112224;777777777#", "post-dial"),
        ("tel:+1-555-111-2222,1234#", "post-dial"),
        ("tel:+1-555-111-2222,,1234", "post-dial"),
        ("tel:+1-555-111-2222p1234", "post-dial"),
        ("tel:+1-555-111-2222w1234", "post-dial"),
        ("tel:+1-555-111-2222;1234", "post-dial"),
        ("tel:+1-555-111-2222;postd=1234", "post-dial"),
        ("tel:5551112222#", "* or #"),
        # The number plan: no area code or exchange starts with 0 or 1; N11 is a service code.
        ("tel:+1-911-555-1234", "N11"),
        ("tel:+1-212-011-1234", "exchange"),
        ("tel:+1-123-555-1234", "area code starting with 0 or 1"),
        ("tel:555-1234;phone-context=+1", "7-digit"),
    ],
)
def test_bad_links_are_refused_naming_the_link_and_the_rule(link: str, rule: str) -> None:
    with pytest.raises(ValueError, match=re.escape(rule)) as caught:
        parse_tel_link(link)
    message = str(caught.value)
    assert message.startswith("Cannot call '")
    assert repr(link.strip())[:40].rstrip("'") in message


def test_rfc_3966_local_number_in_a_north_american_context() -> None:
    # RFC 3966's own example: +1 is the country, 914 the area code, 863-1234 the local number.
    assert parse_tel_link("tel:863-1234;phone-context=+1-914-555") == "9148631234"
    assert parse_tel_link("tel:863-1234;phone-context=+1914") == "9148631234"
    assert parse_tel_link("tel:914-863-1234;phone-context=+1") == "9148631234"


def test_long_links_are_cut_in_the_message() -> None:
    with pytest.raises(ValueError) as caught:
        parse_tel_link("tel:" + "1" * 1000)
    assert len(str(caught.value)) < 200


def test_control_characters_are_shown_escaped() -> None:
    with pytest.raises(ValueError) as caught:
        parse_tel_link("tel:555\x1b[2J1112222")
    assert "\\x1b" in str(caught.value)


@given(st.text(max_size=300))
def test_any_text_gives_ten_digits_or_value_error(text: str) -> None:
    try:
        digits = parse_tel_link(text)
    except ValueError as exc:
        assert str(exc).startswith("Cannot call ")
    else:
        assert re.fullmatch(r"[0-9]{10}", digits)


_TELISH = st.builds(
    str.__add__,
    st.sampled_from(["tel:", "TEL:", "callto:", "callto://", "tel://", "tel:+1", "tel:%2B1"]),
    st.text(alphabet="0123456789+-.() ;=%23ABFextisubpon-context*#/\x00é٣", max_size=40),
)


@given(_TELISH)
def test_link_shaped_text_gives_ten_digits_or_value_error(text: str) -> None:
    try:
        digits = parse_tel_link(text)
    except ValueError:
        return
    assert re.fullmatch(r"[0-9]{10}", digits)
