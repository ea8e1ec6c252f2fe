"""Validation before anything is sent, exact encoding and redaction of a call request."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from console.calls.params import BY_NAME, OPTION_NAMES, PARAMS, SECRET_NAMES, TYPE_WORDS
from console.calls.request import (
    READ_MARGIN_SECONDS,
    check_option,
    encode_query,
    first_leg_seconds,
    redact,
    redacted_url,
    validate,
    warning_lines,
)

# The parameter names on the vendor's page, both tables (seed: click-to-findme-list).
VENDOR_NAMES = {
    "access_key", "secret_access_key", "key", "action", "list", "phone_to_call",
    "first_callerid", "second_callerid", "type", "page", "no_answer_email", "no_answer_sms",
    "no_answer_url", "no_answer_phone", "dtmf_only", "screen_prompt", "usr_findme_type",
    "loop_count", "randomize", "record", "no_intro", "use_screen", "screen_method", "holdmusic",
    "usr_audio_prompt_set_id", "holdrepeat", "timeout", "whisper_phrase", "nextaction",
    "nextactionitem", "ref",
}  # fmt: skip

BASE = {"key": "pubkey", "list": "5559998888|5559997777", "phone_to_call": "5551112222"}


def check(**values: object):
    return validate({**BASE, **values})


def problems(**values: object) -> list[str]:
    return [str(p) for p in check(**values).problems]


def assert_refused(field: str, words: str, **values: object) -> None:
    found = problems(**values)
    assert any(p.startswith(field + " ") and words in p for p in found), found


def assert_accepted(**values: object) -> dict[str, str]:
    checked = check(**values)
    assert checked.ok, [str(p) for p in checked.problems]
    return checked.params


# -- the request model ------------------------------------------------------------------------


def test_every_parameter_of_the_page_is_declared_under_its_own_name() -> None:
    assert {p.name for p in PARAMS} == VENDOR_NAMES
    assert len(PARAMS) == len(BY_NAME)
    assert {"access_key", "secret_access_key", "key"} == SECRET_NAMES
    assert not set(OPTION_NAMES) & (SECRET_NAMES | {"action", "list", "phone_to_call"})


def test_a_valid_request_is_normalized_with_action_first() -> None:
    params = assert_accepted(
        list="555-999-8888 | (555) 999-7777", phone_to_call="+1 555 111 2222", timeout=" 045 "
    )
    assert list(params)[0] == "action"
    assert params["action"] == "clickto.findme"
    assert params["list"] == "5559998888|5559997777"
    assert params["phone_to_call"] == "5551112222"
    assert params["timeout"] == "45"
    assert params["key"] == "pubkey"


def test_integers_from_forms_are_accepted() -> None:
    params = assert_accepted(timeout=30, loop_count=2, type=1, record=True)
    assert (params["timeout"], params["loop_count"], params["type"], params["record"]) == (
        "30",
        "2",
        "1",
        "1",
    )


def test_empty_strings_count_as_absent() -> None:
    params = assert_accepted(timeout="", page="   ", nextaction=None)
    assert "timeout" not in params and "page" not in params and "nextaction" not in params


def test_all_problems_are_returned_at_once_each_naming_its_field() -> None:
    found = validate(
        {
            "access_key": "ak",
            "list": "555-1234|5559998888|5559998888",
            "phone_to_call": "555-CALL-NOW",
            "timeout": "5",
            "loop_count": "9",
            "page": "p" * 256,
            "no_answer_email": "agent@example.com",
            "bogus": "1",
        }
    ).problems
    fields = {p.field for p in found}
    assert {
        "secret_access_key",
        "list",
        "phone_to_call",
        "timeout",
        "loop_count",
        "page",
        "no_answer_email",
        "bogus",
    } <= fields
    assert len([p for p in found if p.field == "list"]) == 2  # the 7-digit one and the repeat
    assert all(str(p).startswith(p.field + " ") for p in found)


def test_required_fields() -> None:
    found = [str(p) for p in validate({"key": "k"}).problems]
    assert "list is required" in found
    assert "phone_to_call is required" in found


def test_unknown_parameter_is_named() -> None:
    assert_refused("scren_prompt", "is not a Click-to-FindMe List parameter", scren_prompt="hi")


def test_action_is_fixed() -> None:
    assert assert_accepted(action="clickto.findme")["action"] == "clickto.findme"
    assert_refused("action", "must be clickto.findme", action="clickto.call")


# -- credentials ------------------------------------------------------------------------------


def test_credentials_key_alone_or_the_pair() -> None:
    assert validate({**BASE}).ok
    pair = {k: v for k, v in BASE.items() if k != "key"}
    assert validate({**pair, "access_key": "ak", "secret_access_key": "sk"}).ok


@pytest.mark.parametrize(
    ("creds", "field", "words"),
    [
        ({}, "credentials", "are required"),
        ({"access_key": "ak"}, "secret_access_key", "is required with access_key"),
        ({"secret_access_key": "sk"}, "access_key", "is required with secret_access_key"),
        ({"key": "k", "access_key": "ak"}, "key", "cannot be combined"),
        ({"key": "k", "secret_access_key": "sk"}, "key", "cannot be combined"),
        ({"key": "k", "access_key": "ak", "secret_access_key": "sk"}, "key", "cannot be combined"),
    ],
)
def test_credentials_pairs(creds: dict[str, str], field: str, words: str) -> None:
    values = {k: v for k, v in BASE.items() if k != "key"} | creds
    found = [str(p) for p in validate(values).problems]
    assert any(p.startswith(field + " ") and words in p for p in found), found


def test_credentials_can_be_left_out_for_a_preview() -> None:
    values = {k: v for k, v in BASE.items() if k != "key"}
    assert validate(values, require_credentials=False).ok


@pytest.mark.parametrize("bad", ["a\nb", "tab\there", "\ud800"])
def test_credentials_that_cannot_be_sent_are_refused_without_echoing_them(bad: str) -> None:
    found = problems(key=bad)
    assert any(p.startswith("key ") for p in found), found
    assert not any(bad in p for p in found)


# -- ranges, choices, lengths -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "low", "high", "message"),
    [
        ("timeout", 10, 60, "timeout must be 10 to 60 seconds"),
        ("loop_count", 1, 5, "loop_count must be 1 to 5"),
    ],
)
def test_integer_ranges(name: str, low: int, high: int, message: str) -> None:
    assert assert_accepted(**{name: low})[name] == str(low)
    assert assert_accepted(**{name: str(high)})[name] == str(high)
    for bad in (low - 1, high + 1, "-3", "9" * 5000):
        assert message in problems(**{name: bad}), bad


@pytest.mark.parametrize("bad", ["abc", "1.5", "3e1", "0x1e", "٣٠", "30 s"])
def test_integers_must_be_whole_numbers(bad: str) -> None:
    assert_refused("timeout", "must be a whole number", timeout=bad)


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("type", [1, 2], [0, 3]),
        ("randomize", [0, 1], [2, -1]),
        ("record", [0, 1], [2]),
        ("no_intro", [0, 1], [2]),
        ("use_screen", [0, 1], [2]),
        ("usr_findme_type", [1, 2], [0, 3]),
        ("screen_method", [0, 1, 2], [3]),
        ("holdrepeat", [0, 1, 2], [3]),
        ("nextaction", [1, 3, 7], [0, 8]),
        ("dtmf_only", [0, 1], [2]),  # the page's notes (0, 1), not its table ("1 or 2")
    ],
)
def test_choices(name: str, good: list[int], bad: list[int]) -> None:
    for value in good:
        assert assert_accepted(**{name: str(value)})[name] == str(value)
    for value in bad:
        assert_refused(name, "must be one of", **{name: value})


@pytest.mark.parametrize("name", ["page", "ref", "screen_prompt", "whisper_phrase"])
def test_text_lengths(name: str) -> None:
    extra = {"use_screen": 0} if name == "whisper_phrase" else {}
    assert assert_accepted(**extra, **{name: "é" * 255})[name] == "é" * 255
    assert_refused(
        name, "must be at most 255 characters (it has 256)", **extra, **{name: "a" * 256}
    )


@pytest.mark.parametrize("bad", ["line\nbreak", "nul\x00", "del\x7f", "\ud800"])
def test_text_that_cannot_be_sent_is_refused(bad: str) -> None:
    found = problems(page=bad)
    assert any(p.startswith("page ") for p in found), found


def test_text_keeps_its_spaces() -> None:
    assert assert_accepted(page="  Lead & Co  ")["page"] == "  Lead & Co  "


@pytest.mark.parametrize("name", ["nextactionitem", "usr_audio_prompt_set_id"])
def test_ids_are_positive_whole_numbers(name: str) -> None:
    extra = {"nextaction": 2} if name == "nextactionitem" else {}
    assert assert_accepted(**extra, **{name: "0012"})[name] == "12"
    for bad in ("0", "-4", "1" * 19):
        assert_refused(name, "must be a positive id", **extra, **{name: bad})
    assert_refused(name, "must be a whole number", **extra, **{name: "mailbox-7"})


def test_holdmusic_is_a_file_name() -> None:
    assert assert_accepted(holdmusic="song.wav")["holdmusic"] == "song.wav"
    for bad in ("song", "music/song.wav", "..\\song.wav", "a" * 252 + ".wav"):
        found = problems(holdmusic=bad)
        assert any(p.startswith("holdmusic ") for p in found), bad


# -- options allowed only with one type, or only with use_screen=0 ----------------------------

SAMPLE = {
    "no_answer_email": "agent@example.com",
    "no_answer_sms": "5554443333",
    "no_answer_url": "https://example.com/noanswer",
    "no_answer_phone": "5558688950",
    "nextaction": "1",
    "use_screen": "1",
    "screen_prompt": "Please say your name",
}
TYPE_ONLY = [p for p in PARAMS if p.only_type is not None and p.name != "nextactionitem"]


def test_type_only_samples_cover_the_table() -> None:
    assert {p.name for p in TYPE_ONLY} == set(SAMPLE)
    assert {p.name for p in PARAMS if p.only_type == 2} == {
        "no_answer_email",
        "no_answer_sms",
        "no_answer_url",
        "no_answer_phone",
    }


@pytest.mark.parametrize("param", TYPE_ONLY, ids=lambda p: p.name)
def test_type_only_option_is_accepted_in_its_type(param) -> None:
    params = assert_accepted(type=param.only_type, **{param.name: SAMPLE[param.name]})
    assert param.name in params


@pytest.mark.parametrize("param", TYPE_ONLY, ids=lambda p: p.name)
def test_type_only_option_is_refused_in_the_other_type(param) -> None:
    other = 2 if param.only_type == 1 else 1
    words = f"is only available when the {TYPE_WORDS[param.only_type].split('the ', 1)[1]}"
    assert_refused(param.name, words, type=other, **{param.name: SAMPLE[param.name]})


def test_type_two_only_options_are_refused_when_type_is_left_at_its_default() -> None:
    assert_refused("no_answer_email", "only available when", no_answer_email="a@example.com")
    assert "no_answer_email is only available when the team is called first (type=2)" in problems(
        no_answer_email="a@example.com"
    )


def test_whisper_phrase_needs_use_screen_zero() -> None:
    params = assert_accepted(use_screen=0, whisper_phrase="New lead from the website")
    assert params["whisper_phrase"] == "New lead from the website"
    for screen in ({}, {"use_screen": 1}):
        assert_refused("whisper_phrase", "use_screen=0", whisper_phrase="hi", **screen)


@pytest.mark.parametrize("action", [2, 4, 5, 6])
def test_nextaction_that_needs_an_item(action: int) -> None:
    assert_refused("nextactionitem", f"is required when nextaction is {action}", nextaction=action)
    params = assert_accepted(nextaction=action, nextactionitem="77")
    assert params["nextactionitem"] == "77"


@pytest.mark.parametrize("action", [1, 3, 7])
def test_nextaction_without_an_item(action: int) -> None:
    assert assert_accepted(nextaction=action)["nextaction"] == str(action)
    assert_refused(
        "nextactionitem", "only used with nextaction", nextaction=action, nextactionitem=5
    )


# -- email and URL ----------------------------------------------------------------------------


@pytest.mark.parametrize("good", ["agent@example.com", "a.b+c@sub.example.co.uk"])
def test_no_answer_email_accepts_addresses(good: str) -> None:
    assert assert_accepted(type=2, no_answer_email=good)["no_answer_email"] == good


@pytest.mark.parametrize(
    "bad", ["agent", "agent@", "@example.com", "a b@example.com", "a@example", "a@b..c", "a@@b.c"]
)
def test_no_answer_email_refuses_non_addresses(bad: str) -> None:
    assert_refused("no_answer_email", "must be an email address", type=2, no_answer_email=bad)


@pytest.mark.parametrize(
    "good", ["https://example.com/hook", "http://127.0.0.1:8080/report?x=1&y=a%20b"]
)
def test_no_answer_url_accepts_http_urls(good: str) -> None:
    assert assert_accepted(type=2, no_answer_url=good)["no_answer_url"] == good


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://example.com/x",
        "example.com/hook",
        "javascript:alert(1)",
        "https://",
        "http://exa mple.com/",
        "http://[::1",
        "http://example.com:99999/",
        "mailto:a@example.com",
    ],
)
def test_no_answer_url_refuses_anything_else(bad: str) -> None:
    assert_refused("no_answer_url", "must be an http:// or https:// URL", type=2, no_answer_url=bad)


# -- phone numbers in every phone field -------------------------------------------------------

PHONE_FIELDS = ["phone_to_call", "first_callerid", "second_callerid"]


@pytest.mark.parametrize("name", PHONE_FIELDS)
def test_phone_fields_are_normalized(name: str) -> None:
    assert assert_accepted(**{name: "(212) 555-1234"})[name] == "2125551234"


@pytest.mark.parametrize("name", PHONE_FIELDS)
def test_555_numbers_are_accepted_with_a_warning_naming_the_field(name: str) -> None:
    checked = check(**{name: "555.444.3333"})
    assert checked.ok
    assert checked.params[name] == "5554443333"
    assert any(w.field == name and "fictional 555" in w.message for w in checked.warnings)


@pytest.mark.parametrize("name", PHONE_FIELDS)
@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("555-111-2222 ext 9", "extension"),
        ("555-CALL-NOW", "letters"),
        ("555-1234", "7-digit"),
        ("+44 20 7946 0958", "North America"),
        ("(123) 456-7890", "area code"),
    ],
)
def test_phone_fields_refuse_what_cannot_be_dialled(name: str, typed: str, words: str) -> None:
    assert_refused(name, words, **{name: typed})


@pytest.mark.parametrize("name", ["no_answer_sms", "no_answer_phone"])
def test_type_two_phone_fields(name: str) -> None:
    assert assert_accepted(type=2, **{name: "+1 (555) 444-3333"})[name] == "5554443333"
    assert_refused(name, "extension", type=2, **{name: "5554443333 x12"})


def test_list_entries_are_named_by_position() -> None:
    found = problems(list="5559998888|555-1234|+44 20 7946 0958")
    assert any(p.startswith("list number 2 '555-1234'") and "7-digit" in p for p in found)
    assert any(p.startswith("list number 3 ") and "North America" in p for p in found)


def test_a_number_repeated_in_the_list_is_named() -> None:
    found = problems(list="5559998888|(555) 999-8888")
    assert "list has 5559998888 twice (numbers 1 and 2)" in found


def test_list_with_an_empty_entry_is_refused() -> None:
    assert_refused("list", "empty entry", list="5559998888||5559997777")
    assert_refused("list", "empty entry", list="5559998888|")


def test_list_warnings_name_the_entry() -> None:
    checked = check(list="5559998888|2125551234")
    assert checked.ok
    assert [w.message.split(" '")[0] for w in checked.warnings if w.field == "list"] == ["number 1"]


# -- encoding and redaction -------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "Lead & Co/pricing?x=1 2",
        "a+b=c;d#e",
        "100% sure",
        "%20 literal",
        "Ünïcødé – “quotes” 日本語 😀",
    ],
)
def test_encoding_is_exact(page: str) -> None:
    params = assert_accepted(page=page)
    query = encode_query(params)
    assert dict(parse_qsl(query, keep_blank_values=True, strict_parsing=True)) == params
    assert query.count("&") == len(params) - 1  # every & inside a value is encoded
    assert " " not in query and "+" not in query


def test_encoding_keeps_the_order_and_spaces_as_percent_20() -> None:
    query = encode_query({"action": "clickto.findme", "page": "a b", "list": "1|2"})
    assert query == "action=clickto.findme&page=a%20b&list=1%7C2"


def test_redaction_hides_every_credential() -> None:
    values = {k: v for k, v in BASE.items() if k != "key"}
    params = validate({**values, "access_key": "AKIDSECRET", "secret_access_key": "S3CR3T"}).params
    shown = redact(params)
    assert shown["access_key"] == shown["secret_access_key"] == "***"
    assert shown["list"] == params["list"]
    url = redacted_url("https://secure.dialogtech.com/ibp_api.php", params)
    assert "AKIDSECRET" not in url and "S3CR3T" not in url
    assert "access_key=***" in url and "secret_access_key=***" in url
    assert url.startswith("https://secure.dialogtech.com/ibp_api.php?action=clickto.findme&")
    key_url = redacted_url("https://x/ibp_api.php", validate(BASE).params)
    assert "pubkey" not in key_url and "key=***" in key_url


def test_first_leg_seconds() -> None:
    type1 = assert_accepted(timeout=20, loop_count=3)
    assert first_leg_seconds(type1) == 20 + READ_MARGIN_SECONDS
    type2 = assert_accepted(type=2, timeout=20, loop_count=3)
    assert first_leg_seconds(type2) == 20 * 2 * 3 + READ_MARGIN_SECONDS
    assert first_leg_seconds(assert_accepted(type=2)) == 30 * 2 * 1 + READ_MARGIN_SECONDS
    assert first_leg_seconds(assert_accepted()) == 30 + READ_MARGIN_SECONDS
    extreme = assert_accepted(type=2, timeout=60, loop_count=5)
    assert first_leg_seconds(extreme) == 60 * 2 * 5 + READ_MARGIN_SECONDS


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("holdmusic", "music/song"),
        ("holdmusic", "song.wav"),
        ("no_answer_email", "agent@"),
        ("no_answer_url", "ftp://x"),
        ("timeout", "9"),
        ("page", "a\nb"),
        ("first_callerid", "555-12"),
    ],
)
def test_one_option_is_checked_by_the_rule_validate_uses(name: str, value: str) -> None:
    # check_option serves a form as it is typed: it must say what Call would say, no more.
    said = check_option(name, value)
    at_call = [p.message for p in validate({name: value}, require_credentials=False).problems
               if p.field == name]  # fmt: skip
    assert said == (at_call[0] if at_call else None)
    assert check_option(name, "") is None


def test_fictional_numbers_are_one_warning_line_and_none_in_the_sandbox() -> None:
    team = [f"555111{i:04d}" for i in range(20)]
    checked = check(phone_to_call="5552223334", list="|".join(team))
    assert checked.ok and len(checked.warnings) == 21  # the engine still knows each one
    lines = warning_lines(checked.warnings, sandbox=False)
    assert len(lines) == 1
    assert lines[0].startswith("21 numbers are in the fictional 555 range")
    assert "and 18 more" in lines[0]
    assert warning_lines(checked.warnings, sandbox=True) == []  # the sandbox invites them


def test_other_unassigned_numbers_still_warn_in_the_sandbox() -> None:
    checked = check(phone_to_call="9995551234", list="5551110003|3705551234")
    lines = warning_lines(checked.warnings, sandbox=True)
    assert lines == ["2 numbers are not assigned to any phone: (370) 555-1234, (999) 555-1234"]
    lead = [w for w in check(phone_to_call="2125550123").warnings if w.field == "phone_to_call"]
    one = warning_lines(lead, sandbox=False)
    assert one == ["(212) 555-0123 is in the fictional 555 range, which no real phone answers"]
