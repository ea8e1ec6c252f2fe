"""Every parameter of the Click-to-FindMe List API, declared once.

The table drives validation, the command line's flags and the window's forms, so a rule
changes in one place. Names are the API's own. Where the vendor's page contradicts itself
the choice made here is noted beside the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple


class Kind(StrEnum):
    SECRET = "secret"
    FIXED = "fixed"
    PHONE = "phone"
    PHONES = "phones"
    INT = "int"
    CHOICE = "choice"
    TEXT = "text"
    EMAIL = "email"
    URL = "url"
    ID = "id"
    FILENAME = "filename"


class Group(StrEnum):
    CREDENTIALS = "Credentials"
    CALL = "Call"
    ROUTING = "Routing"
    SCREENING = "Screening"
    HOLD_MUSIC = "Hold music"
    RECORDING = "Recording"
    NO_ANSWER = "No-answer follow-up"
    CALLER_IDS = "Caller IDs"
    REPORT = "Report fields"


class Param(NamedTuple):
    name: str
    kind: Kind
    group: Group
    label: str
    help: str
    choices: Mapping[int, str] = MappingProxyType({})  # a tuple's defaults are shared: read-only
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    default: int | None = None
    only_type: int | None = None  # the page allows it only with this `type`
    needs_no_screen: bool = False  # the page allows it only with use_screen=0
    required: bool = False


# The type in a person's words; TYPE_WORDS adds the API's name for those who know it.
PLAIN_TYPE_WORDS = {1: "the lead is called first", 2: "the team is called first"}
TYPE_WORDS = {t: f"{words} (type={t})" for t, words in PLAIN_TYPE_WORDS.items()}
NEXTACTION_NEEDS_ITEM = frozenset({2, 4, 5, 6})
ACTION = "clickto.findme"
TEXT_MAX = 255

_OFF_ON = {0: "No", 1: "Yes"}

PARAMS: tuple[Param, ...] = (
    Param(
        "access_key",
        Kind.SECRET,
        Group.CREDENTIALS,
        "Access key",
        "Account access key; always paired with secret_access_key.",
    ),
    Param(
        "secret_access_key",
        Kind.SECRET,
        Group.CREDENTIALS,
        "Secret access key",
        "Secret half of the access key pair.",
    ),
    Param(
        "key",
        Kind.SECRET,
        Group.CREDENTIALS,
        "Public key",
        "Public API key with limited access; used instead of the access key pair.",
    ),
    Param("action", Kind.FIXED, Group.CALL, "Action", "Always clickto.findme.", required=True),
    Param(
        "list",
        Kind.PHONES,
        Group.CALL,
        "Team list",
        "Pipe-delimited 10-digit numbers; any one of them may take the call.",
        required=True,
    ),
    Param(
        "phone_to_call",
        Kind.PHONE,
        Group.CALL,
        "Lead's number",
        "The third party joined to whoever on the list accepts.",
        required=True,
    ),
    Param(
        "type",
        Kind.CHOICE,
        Group.ROUTING,
        "Who is called first",
        "1 calls the lead first; 2 calls the team first (reverse FindMe).",
        choices={1: "Call the lead first", 2: "Call the team first"},
        default=1,
    ),
    Param(
        "timeout",
        Kind.INT,
        Group.ROUTING,
        "Ring time (seconds)",
        "Seconds each number rings before it counts as no answer.",
        minimum=10,
        maximum=60,
        default=30,
    ),
    Param(
        "loop_count",
        Kind.INT,
        Group.ROUTING,
        "Passes through the list",
        "How many times the list is tried before the next action.",
        minimum=1,
        maximum=5,
        default=1,
    ),
    Param(
        "randomize",
        Kind.CHOICE,
        Group.ROUTING,
        "Randomize the order",
        "Try the list in random order.",
        choices=_OFF_ON,
        default=0,
    ),
    Param(
        "usr_findme_type",
        Kind.CHOICE,
        Group.ROUTING,
        "Prompts",
        "Prompts that sound like reaching a person, or a member of a team.",
        choices={1: "Individual FindMe", 2: "Customer-service hunt group"},
        default=1,
    ),
    Param(
        "nextaction",
        Kind.CHOICE,
        Group.ROUTING,
        "When nobody accepts",
        "Where the call goes when nobody on the list accepts.",
        choices={
            1: "Say nobody is available and hang up",
            2: "Voicemail",
            3: "Transfer to the last number tried",
            4: "Virtual receptionist",
            5: "Another FindMe",
            6: "SurVo/IVR",
            7: "Transfer to the last number tried, no introduction",
        },
        only_type=1,
    ),
    Param(
        "nextactionitem",
        Kind.ID,
        Group.ROUTING,
        "Next action target",
        "Id of the mailbox, receptionist, FindMe or IVR for next actions 2, 4, 5 and 6.",
        only_type=1,
    ),
    Param(
        "use_screen",
        Kind.CHOICE,
        Group.SCREENING,
        "Ask the lead's name",
        "Screen the lead for their name before connecting.",
        choices=_OFF_ON,
        default=1,
        only_type=1,
    ),
    Param(
        "screen_prompt",
        Kind.TEXT,
        Group.SCREENING,
        "Screening prompt",
        "Text-to-speech announcement read to the lead.",
        max_length=TEXT_MAX,
        only_type=1,
    ),
    Param(
        "screen_method",
        Kind.CHOICE,
        Group.SCREENING,
        "Whisper to the agent",
        "What the agent hears before accepting.",
        choices={0: "The lead's name", 1: "Text", 2: "Audio"},
    ),
    Param(
        "whisper_phrase",
        Kind.TEXT,
        Group.SCREENING,
        "Whisper phrase",
        "Text-to-speech phrase whispered to the agent.",
        max_length=TEXT_MAX,
        needs_no_screen=True,
    ),
    Param(
        "no_intro",
        Kind.CHOICE,
        Group.SCREENING,
        "Screening prompts",
        "0 disables the screening audio prompts.",
        choices={0: "Off", 1: "On"},
        default=1,
    ),
    # The page's table says "1 or 2" but its notes describe 0 and 1; the notes are specific,
    # so 0 (voice or keypad) and 1 (keypad only) are what the console accepts.
    Param(
        "dtmf_only",
        Kind.CHOICE,
        Group.SCREENING,
        "Accept by",
        "How the agent accepts the call.",
        choices={0: "Voice or keypad", 1: "Keypad only"},
    ),
    Param(
        "holdmusic",
        Kind.FILENAME,
        Group.HOLD_MUSIC,
        "Hold music file",
        "File name in the account's hold-music folder, e.g. song.wav.",
        max_length=TEXT_MAX,
    ),
    Param(
        "holdrepeat",
        Kind.CHOICE,
        Group.HOLD_MUSIC,
        "Repeat hold music",
        "How often the hold music repeats.",
        choices={
            0: "Once per session",
            1: "Once between attempts",
            2: "Continuously between attempts",
        },
    ),
    Param(
        "usr_audio_prompt_set_id",
        Kind.ID,
        Group.HOLD_MUSIC,
        "Audio prompt set",
        "Id of a custom audio prompt set.",
    ),
    Param(
        "record",
        Kind.CHOICE,
        Group.RECORDING,
        "Record the call",
        "Record the call once connected.",
        choices=_OFF_ON,
        default=0,
    ),
    Param(
        "no_answer_email",
        Kind.EMAIL,
        Group.NO_ANSWER,
        "Email",
        "Mail each attempt's outcome when nobody accepts.",
        max_length=TEXT_MAX,
        only_type=2,
    ),
    Param(
        "no_answer_sms",
        Kind.PHONE,
        Group.NO_ANSWER,
        "SMS",
        "Text this number when nobody accepts.",
        only_type=2,
    ),
    Param(
        "no_answer_url",
        Kind.URL,
        Group.NO_ANSWER,
        "URL",
        "The service POSTs an XML attempt report here when nobody accepts.",
        max_length=2000,
        only_type=2,
    ),
    Param(
        "no_answer_phone",
        Kind.PHONE,
        Group.NO_ANSWER,
        "Transfer to",
        "Blind-transfer the call here when nobody accepts.",
        only_type=2,
    ),
    Param(
        "first_callerid",
        Kind.PHONE,
        Group.CALLER_IDS,
        "First leg caller ID",
        "Registered or tracking number shown on the first leg.",
    ),
    Param(
        "second_callerid",
        Kind.PHONE,
        Group.CALLER_IDS,
        "Second leg caller ID",
        "Registered or tracking number shown on the second leg.",
    ),
    Param(
        "page",
        Kind.TEXT,
        Group.REPORT,
        "Page",
        "Stored in the Smart Click-to-Call report.",
        max_length=TEXT_MAX,
    ),
    Param(
        "ref",
        Kind.TEXT,
        Group.REPORT,
        "Reference",
        "Custom reference stored in the same report.",
        max_length=TEXT_MAX,
    ),
)

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
SECRET_NAMES = frozenset(p.name for p in PARAMS if p.kind is Kind.SECRET)
# The options a person tunes in forms and presets: everything but credentials and the
# per-call fields (action, list, phone_to_call).
OPTION_NAMES = tuple(p.name for p in PARAMS if p.group not in (Group.CREDENTIALS, Group.CALL))


def unavailable_reason(param: Param, call_type: int, use_screen: int | None) -> str | None:
    """Why ``param`` cannot be used with this type and screening choice, or None.

    In the API's words ("... (type=2)"), for requests and the command line; the window says
    the same with ``unavailable_words``.
    """
    if param.only_type is not None and call_type != param.only_type:
        return f"{param.name} is only available when {TYPE_WORDS[param.only_type]}"
    if param.needs_no_screen and use_screen != 0:
        return f"{param.name} is only available when the lead is not screened (use_screen=0)"
    return None


def unavailable_words(param: Param, call_type: int, use_screen: int | None) -> str | None:
    """``unavailable_reason`` in a person's words, naming the form's choices, not the API's:
    "Used only when the team is called first"; None when ``param`` can be used."""
    if param.only_type is not None and call_type != param.only_type:
        return f"Used only when {PLAIN_TYPE_WORDS[param.only_type]}"
    if param.needs_no_screen and use_screen != 0:
        # use_screen is itself only sent when the lead is called first.
        screened = BY_NAME["use_screen"]
        if call_type != screened.only_type:
            return f"Used only when {PLAIN_TYPE_WORDS[screened.only_type]} and not screened"
        return f'Used only when "{screened.label}" is {screened.choices[0]}'
    return None
