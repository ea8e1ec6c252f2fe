"""Whatever is typed, a request is refused with reasons or encodes to what the page allows.

The rules are re-stated here from the vendor's page, independently of console.calls.params, so a
change to the table that lets a bad value through fails these tests.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.calls.params import PARAMS
from console.calls.request import encode_query, validate
from console.phone import check_phone

NAMES = [p.name for p in PARAMS]

# From the vendor's page (see tests/unit/test_request.py for the list of names).
RANGES = {"timeout": (10, 60), "loop_count": (1, 5)}
CHOICES = {
    "type": {1, 2},
    "randomize": {0, 1},
    "record": {0, 1},
    "no_intro": {0, 1},
    "use_screen": {0, 1},
    "usr_findme_type": {1, 2},
    "screen_method": {0, 1, 2},
    "holdrepeat": {0, 1, 2},
    "nextaction": {1, 2, 3, 4, 5, 6, 7},
    "dtmf_only": {0, 1},  # the page's notes; its table says "1 or 2"
}
IDS = {"nextactionitem", "usr_audio_prompt_set_id"}
PHONES = {
    "phone_to_call",
    "first_callerid",
    "second_callerid",
    "no_answer_sms",
    "no_answer_phone",
}
TEXTS = {"page": 255, "ref": 255, "screen_prompt": 255, "whisper_phrase": 255}
SECRETS = {"access_key", "secret_access_key", "key"}
TYPE_ONLY = {
    "nextaction": "1",
    "nextactionitem": "1",
    "use_screen": "1",
    "screen_prompt": "1",
    "no_answer_email": "2",
    "no_answer_sms": "2",
    "no_answer_url": "2",
    "no_answer_phone": "2",
}
TEN_DIGITS = re.compile(r"[2-9][0-9]{9}")
CANONICAL_INT = re.compile(r"0|-?[1-9][0-9]*")


def has_control(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def sendable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not has_control(text)


def assert_allowed(params: dict[str, str]) -> None:
    """Every value is one the page allows, checked without the console's own table."""
    assert params["action"] == "clickto.findme"
    assert "list" in params and "phone_to_call" in params
    assert set(params) <= set(NAMES)
    has_key = "key" in params
    has_pair = "access_key" in params and "secret_access_key" in params
    assert has_key != has_pair
    assert not (has_key and ("access_key" in params or "secret_access_key" in params))
    call_type = params.get("type", "1")
    for name, value in params.items():
        assert isinstance(value, str)
        if name in SECRETS:
            assert value and value == value.strip() and sendable(value)
        elif name == "list":
            numbers = value.split("|")
            assert all(TEN_DIGITS.fullmatch(n) for n in numbers), value
            assert len(set(numbers)) == len(numbers)
        elif name in PHONES:
            assert TEN_DIGITS.fullmatch(value), (name, value)
        elif name in RANGES:
            low, high = RANGES[name]
            assert CANONICAL_INT.fullmatch(value) and low <= int(value) <= high, (name, value)
        elif name in CHOICES:
            assert CANONICAL_INT.fullmatch(value) and int(value) in CHOICES[name], (name, value)
        elif name in IDS:
            assert re.fullmatch(r"[1-9][0-9]{0,17}", value), (name, value)
        elif name in TEXTS:
            assert len(value) <= TEXTS[name] and sendable(value), (name, value)
        elif name == "no_answer_email":
            local, _, domain = value.partition("@")
            assert local and "." in domain and "@" not in domain, value
            assert not any(c.isspace() for c in value) and len(value) <= 255
            assert sendable(value) and "" not in domain.split(".")
        elif name == "no_answer_url":
            parts = urlsplit(value)
            assert parts.scheme in ("http", "https") and parts.hostname, value
            assert not any(c.isspace() for c in value) and sendable(value)
        elif name == "holdmusic":
            assert re.fullmatch(r"[^/\\]+\.[A-Za-z0-9]{1,5}", value) and len(value) <= 255
            assert sendable(value)
        else:
            assert name == "action", name
        if name in TYPE_ONLY:
            assert call_type == TYPE_ONLY[name], (name, call_type)
    if "whisper_phrase" in params:
        assert params.get("use_screen") == "0"
    if params.get("nextaction") in ("2", "4", "5", "6"):
        assert "nextactionitem" in params
    if "nextactionitem" in params:
        assert params.get("nextaction") in ("2", "4", "5", "6")


def assert_round_trips(params: dict[str, str]) -> None:
    query = encode_query(params)
    assert query.isascii()
    assert parse_qsl(query, keep_blank_values=True) == list(params.items())


# -- strategies -------------------------------------------------------------------------------

PLAUSIBLE = [
    "5551112222", "(555) 999-7777", "+1 555 444 3333", "555-1234", "2125551234", "0", "1",
    "2", "3", "5", "7", "10", "30", "60", "61", "-1", " 2 ", "agent@example.com",
    "https://example.com/hook?x=1", "http://127.0.0.1:9/x", "song.wav", "Lead & Co/pricing?x=1 2",
    "", " ", "clickto.findme", "k", "5559998888|5559997777", "5559998888,5559997777",
]  # fmt: skip
odd_text = st.text(
    alphabet=st.characters(categories=["Cs", "Cc", "Nd", "Zs", "Po", "Sm", "Lu", "So"]),
    max_size=12,
)
phoneish = st.from_regex(r"\+?1?[ (]?[0-9]{3}[) .-]{0,2}[0-9]{3}[ .-]?[0-9]{4}", fullmatch=True)
values = st.one_of(
    st.text(max_size=30),
    odd_text,
    st.text("0123456789 |-+()", max_size=24),
    phoneish,
    st.integers(),
    st.integers(min_value=-2, max_value=70),
    st.booleans(),
    st.none(),
    st.sampled_from(PLAUSIBLE),
    st.text(min_size=250, max_size=260),
    st.sampled_from(["9" * 5000, "-" + "9" * 5000, "0" * 5000 + "7"]),
)
url_like = st.builds(
    str.__add__, st.sampled_from(["http://", "https://", "ftp://", "", "http://["]), st.text()
)
email_like = st.builds(
    lambda a, b: f"{a}@{b}", st.text(max_size=8), st.sampled_from(["", "x.com", "a..b", "é.fr"])
)


def value_for(name: str) -> st.SearchStrategy:
    """Values aimed at one parameter's rule, mixed with anything at all."""
    if name == "no_answer_url":
        return st.one_of(url_like, values)
    if name == "no_answer_email":
        return st.one_of(email_like, values)
    if name in PHONES or name == "list":
        return st.one_of(phoneish, values)
    if name in SECRETS or name in TEXTS or name == "holdmusic":
        return st.one_of(odd_text, st.text(), values)
    return values


aimed = st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), value_for(n)))
junk_names = st.text(min_size=1, max_size=15)
any_request = st.dictionaries(st.one_of(st.sampled_from(NAMES), junk_names), values, max_size=12)
near_valid = st.builds(
    lambda base, extra: {**base, **extra},
    st.sampled_from(
        [
            {"key": "pub", "list": "5559998888|5559997777", "phone_to_call": "5551112222"},
            {
                "access_key": "AK",
                "secret_access_key": "SK",
                "list": "2125551234",
                "phone_to_call": "(555) 111-2222",
                "type": "2",
            },
        ]
    ),
    st.lists(aimed, max_size=3).map(dict),
)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_outcome(request: dict) -> bool:
    result = validate(request)
    if result.problems:
        assert not result.ok and result.params == {}
        for problem in result.problems:
            assert isinstance(problem.field, str) and problem.field
            assert isinstance(problem.message, str) and problem.message
        return False
    assert result.ok
    assert_allowed(result.params)
    assert_round_trips(result.params)
    return True


@SETTINGS
@given(any_request)
def test_any_typed_request_is_refused_with_reasons_or_allowed(request: dict) -> None:
    check_outcome(request)


@SETTINGS
@given(near_valid)
def test_near_valid_requests_are_refused_with_reasons_or_allowed(request: dict) -> None:
    check_outcome(request)


CONTEXT = {
    "no_answer_email": {"type": "2"},
    "no_answer_sms": {"type": "2"},
    "no_answer_url": {"type": "2"},
    "no_answer_phone": {"type": "2"},
    "whisper_phrase": {"use_screen": "0"},
    "nextactionitem": {"nextaction": "2"},
}


@SETTINGS
@given(aimed)
def test_one_typed_field_in_a_context_that_allows_it(field: tuple[str, object]) -> None:
    name, value = field
    base = {"key": "pub", "list": "5559998888|5559997777", "phone_to_call": "5551112222"}
    check_outcome({**base, **CONTEXT.get(name, {}), name: value})


def test_the_near_valid_strategy_reaches_both_outcomes() -> None:
    outcomes: set[bool] = set()

    @settings(max_examples=150, deadline=None, database=None)
    @given(near_valid)
    def collect(request: dict) -> None:
        outcomes.add(check_outcome(request))

    collect()
    assert outcomes == {True, False}


@SETTINGS
@given(st.dictionaries(st.sampled_from(NAMES), st.text()))
def test_encoding_is_exact_for_any_typed_text(params: dict[str, str]) -> None:
    assert_round_trips(params)


@SETTINGS
@given(st.one_of(st.text(max_size=40), odd_text, phoneish))
def test_check_phone_never_raises_and_gives_ten_digits(text: str) -> None:
    checked = check_phone(text)
    assert (checked.digits is None) == (checked.error is not None)
    if checked.ok:
        assert TEN_DIGITS.fullmatch(checked.digits), (text, checked.digits)
