"""Reading the service's reply: the vendor's XML with its DOCTYPE, or plain text, safely."""

from __future__ import annotations

import pytest

from console.calls.reply import MAX_REPLY_BYTES, ReplyError, parse_reply
from tests.faults import (
    BIG_BODY,
    ENTITY_BOMB,
    EXTERNAL_ENTITY,
    LATIN1_CONTENT_TYPE,
    LATIN1_XML,
    LATIN1_XML_UNDECLARED,
    PLAIN_TEXT,
    VENDOR_FAILED,
    VENDOR_SUCCESS,
)


def test_vendor_success_example_with_its_doctype() -> None:
    result = parse_reply(VENDOR_SUCCESS.encode(), "text/xml")
    assert (result.result, result.description, result.sid) == (
        "success",
        "Call Connected",
        "181127fc48636186",
    )
    assert result.ok
    assert result.raw == VENDOR_SUCCESS


def test_vendor_failed_example() -> None:
    result = parse_reply(VENDOR_FAILED.encode())
    assert (result.result, result.description, result.sid) == (
        "failed",
        "unknown",
        "181127fa636be04c",
    )
    assert not result.ok
    assert result.status == "failed"


def test_xml_without_doctype_and_with_a_bom() -> None:
    body = "\ufeff<response><result>Success</result><sid> 181127fc48636186 </sid></response>"
    result = parse_reply(body.encode("utf-8"))
    assert (result.result, result.description, result.sid) == ("success", "", "181127fc48636186")


def test_iso_8859_1_declared_xml_is_read_in_its_encoding() -> None:
    result = parse_reply(LATIN1_XML, "text/xml")
    assert result.description == "Appel connecté à l'équipe"
    assert "connecté" in result.raw


def test_a_charset_given_only_in_the_content_type_header_reads_the_xml() -> None:
    assert not LATIN1_XML_UNDECLARED.startswith(b"<?xml")
    result = parse_reply(LATIN1_XML_UNDECLARED, LATIN1_CONTENT_TYPE)
    assert result.ok and result.description == "Appel connecté à l'équipe"
    assert "connecté" in result.raw
    # The XML's own declaration still counts when the header names nothing.
    assert parse_reply(LATIN1_XML, "text/xml").description == "Appel connecté à l'équipe"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("success", ("success", "", "")),
        ("failed\n", ("failed", "", "")),
        (PLAIN_TEXT, ("success", "Call Connected", "181127fc48636186")),
        ("FAILED unknown 181127fa636be04c", ("failed", "unknown", "181127fa636be04c")),
        (
            "result=success&result_description=Call+Connected&sid=181127fc48636186",
            ("success", "Call Connected", "181127fc48636186"),
        ),
    ],
)  # fmt: skip
def test_plain_text_replies_are_accepted(body: str, expected: tuple[str, str, str]) -> None:
    result = parse_reply(body.encode(), "text/plain")
    assert (result.result, result.description, result.sid) == expected


def test_plain_text_uses_the_declared_charset() -> None:
    result = parse_reply("failed: refusé".encode("iso-8859-1"), "text/plain; charset=ISO-8859-1")
    assert result.description == "refusé"


@pytest.mark.parametrize(
    "body",
    [
        VENDOR_SUCCESS.split("\n", 1)[1].encode("utf-16"),  # XML with no declaration, a BOM
        (PLAIN_TEXT + " é").encode("utf-16"),
        (PLAIN_TEXT + " é").encode("utf-32"),
    ],
    ids=["xml-utf16", "text-utf16", "text-utf32"],
)
def test_a_byte_order_mark_says_the_encoding(body: bytes) -> None:
    assert parse_reply(body).ok


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (VENDOR_SUCCESS.encode("utf-16"), "encoding specified in XML declaration is incorrect"),
        (PLAIN_TEXT.encode("utf-16-le"), "NUL bytes"),
        (VENDOR_SUCCESS.replace("Connected", "接続").encode("shift_jis"), "not well-formed"),
    ],
    ids=["utf16-declaring-utf8", "utf16-without-bom", "shift-jis-undeclared"],
)
def test_a_reply_in_an_unexpected_encoding_says_so(body: bytes, words: str) -> None:
    with pytest.raises(ReplyError) as caught:
        parse_reply(body, "text/xml")
    message = str(caught.value)
    assert message.startswith("the reply cannot be read in the text encoding it declares")
    assert words in message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (ENTITY_BOMB, "entity ('a')"),
        (EXTERNAL_ENTITY, "entity ('xxe')"),
        ('<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x"> %p;]><response/>', "entity"),
    ],
)
def test_entity_declarations_are_refused(body: str, words: str) -> None:
    with pytest.raises(ReplyError, match="refused") as caught:
        parse_reply(body.encode())
    assert words in str(caught.value)


def test_body_size_is_capped() -> None:
    assert len(BIG_BODY) > MAX_REPLY_BYTES
    with pytest.raises(ReplyError, match="larger than 64 KiB"):
        parse_reply(BIG_BODY.encode())
    padding = MAX_REPLY_BYTES - len(VENDOR_SUCCESS)
    assert parse_reply((VENDOR_SUCCESS + " " * padding).encode()).ok  # exactly at the cap


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "empty"),
        (b"  \r\n ", "empty"),
        (b"<response><result>success</result>", "not well-formed"),
        (b"<html><body>Welcome</body></html>", "<html>"),
        (b"<response><result>maybe</result></response>", "'maybe'"),
        (b"<response><sid>181127fc48636186</sid></response>", "not success or failed"),
        (b"successful call", "neither"),
        (b"Internal Server Error", "neither"),
        (b"\xff\xfe\x00garbage", "neither"),
    ],
)
def test_unreadable_replies(body: bytes, words: str) -> None:
    with pytest.raises(ReplyError) as caught:
        parse_reply(body)
    assert words in str(caught.value)
