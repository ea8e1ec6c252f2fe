"""console.masking: a secret is hidden in every form a request or a reply can give it."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.masking import REDACTED, MaskedStream, Secrets, mask
from tests.secret_forms import ENCODERS, forms, leaks

ISSUE_SECRET = "S3cret/Test+Key=ZZ9&x%y"  # the secret of the reproduction in issue 9
SPACED = "AK/Sweep+7f=3a&9c%21 x"


@pytest.mark.parametrize("secret", [ISSUE_SECRET, SPACED, "q\"uo'te<>\\é😀 /+=&%"])
def test_every_form_is_masked(secret: str) -> None:
    for name, form in forms(secret).items():
        text = f"<result_description>bad request: a=1&secret_x={form}&b=2</x>"
        masked = mask(text, [secret])
        assert leaks([secret], [(name, masked.encode())]) == [], masked
        assert masked == text.replace(form, REDACTED), name


def test_the_issues_echo_is_masked_and_the_rest_kept() -> None:
    query = f"action=clickto.findme&access_key=AK123456&secret_access_key={quote(ISSUE_SECRET)}"
    reply = f"<result>failed</result><result_description>bad request: {query}</result_description>"
    assert mask(reply, [ISSUE_SECRET, "AK123456"]) == (
        "<result>failed</result><result_description>bad request: "
        "action=clickto.findme&access_key=***&secret_access_key=***</result_description>"
    )


def test_a_form_mixing_encoders_is_masked() -> None:
    # / left as it is (quote's default), + percent-encoded in lower case, & as an XML reference
    mixed = "S3cret/Test%2bKey%3DZZ9&amp;x%25y"
    assert mask(f"[{mixed}]", [ISSUE_SECRET]) == "[***]"


def test_ordinary_text_is_kept() -> None:
    text = 'A call to (555) 111-2222 failed: "No Answer" &amp; 100% sure; a+b=c \\n'
    assert mask(text, [ISSUE_SECRET, "AK123456"]) == text


def test_short_values_are_not_masked_and_the_longest_secret_wins() -> None:
    assert mask("ab and abc", ["ab", ""]) == "ab and abc"
    assert mask("abcdef abc", ["abc", "abcdef"]) == "*** ***"


def test_a_credential_parameter_is_masked_by_name_even_when_not_known() -> None:
    text = "GET /ibp_api.php?action=x&key=PUB%2Fz&list=1 and access_key=AK<end> monkey=ok"
    assert mask(text, []) == (
        "GET /ibp_api.php?action=x&key=***&list=1 and access_key=***<end> monkey=ok"
    )


def test_the_registry_masks_what_was_registered() -> None:
    secrets = Secrets()
    secrets.register([ISSUE_SECRET, "", "ab"])
    assert secrets.mask(json.dumps({"d": quote(ISSUE_SECRET, safe="")})) == '{"d": "***"}'


def test_a_masked_stream_masks_every_write() -> None:
    secrets = Secrets()
    secrets.register([ISSUE_SECRET])
    raw = io.StringIO()
    stream = MaskedStream(raw, secrets)
    print("sent", quote(ISSUE_SECRET), file=stream)  # type: ignore[arg-type]
    assert raw.getvalue() == "sent ***\n"


# What the service may surround an echoed secret with. A separator keeps the form whole: glued
# to half an escape ("%4" + "a%26b") it would read as other text ("J&b"), not the secret.
SEPARATORS = st.sampled_from([" ", "=", ": ", ">", "<", "\n", "\t", ","])
SECRETS_TEXT = st.text(
    st.one_of(st.sampled_from(list("/+=&% \"'<>\\;#")), st.characters(codec="utf-8")),
    min_size=3,
    max_size=24,
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=300, deadline=None)
@given(
    secret=SECRETS_TEXT,
    encoder=st.sampled_from(["raw", *ENCODERS]),
    outer=st.sampled_from(["", *ENCODERS]),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
    separators=st.tuples(SEPARATORS, SEPARATORS),
)
def test_every_form_of_any_secret_in_any_text_is_masked(
    secret: str, encoder: str, outer: str, before: str, after: str, separators: tuple[str, str]
) -> None:
    form = forms(secret)[f"{encoder}, then {outer}" if outer and encoder != "raw" else encoder]
    text = f"{before}{separators[0]}{form}{separators[1]}{after}"
    masked = mask(text, [secret])
    assert leaks([secret], [("masked", masked.encode())]) == [], (text, masked)
