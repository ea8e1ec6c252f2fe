"""How the sandbox's simulated phones behave: pure functions, no I/O, no clock.

Every number answers the same way every time, decided by its LAST digit:

- 0: never answers; it rings the full ``timeout`` and counts as "No Answer".
- 1: busy; it fails after 1 second as "Busy".
- 2 to 9: answers after that many seconds (if that is less than ``timeout``, else "No Answer").

type=1 calls the lead (phone_to_call) first: the reply is success "Call Connected" when the
lead answers, otherwise failed "No Answer" or "Busy"; the list is then hunted in the
background. type=2 calls the list first, ``loop_count`` passes (``randomize=1`` shuffles each
pass with a Random seeded from the sid, so a call is reproducible); the first number to answer
gives success "Call Connected". When nobody answers the reply is failed "No Answer" and the
no-answer email, SMS, URL report and transfer are performed. Seconds here are simulated: the
sandbox multiplies them by its ``time_scale``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from console.calls.params import BY_NAME, PLAIN_TYPE_WORDS

ANSWERED = "Answered"
NO_ANSWER = "No Answer"
BUSY = "Busy"
CONNECTED = "Call Connected"
BUSY_SECONDS = 1.0
DEFAULT_TIMEOUT = 30


def _label(name: str) -> str:
    return BY_NAME[name].label


# In a person's words, naming the window's options; API_TERMS maps them to the API's names.
_RULES = f"""\
Sandbox rules: the LAST digit of each number decides how it answers.
  0    never answers: rings for the whole ring time, then "No Answer"
  1    busy: fails after 1 second, "Busy"
  2-9  answers after that many seconds (when shorter than the ring time, otherwise "No Answer")
When {PLAIN_TYPE_WORDS[1]}: the result is success "Call Connected" when the lead answers,
  otherwise failed "No Answer" or "Busy"; the team list is then rung.
When {PLAIN_TYPE_WORDS[2]}: the list is rung as many times as "{_label("loop_count")}"
  says ("{_label("randomize")}" shuffles each pass, the same way every time for one sid).
  The first to answer gives success "Call Connected". When nobody answers the result is failed
  "No Answer", and the no-answer email, SMS, transfer and URL report are made (the URL report
  is really posted to its address; the rest go to the outbox).
Credentials: any are accepted, except a key or secret access key "invalid", which fails with
  "Authentication failed". A request with problems fails with "Invalid request: <problems>".
The answer comes when the simulated first leg ends: simulated seconds x the time scale."""

API_TERMS = f"""\
In the API's terms:
  {PLAIN_TYPE_WORDS[1]} = type=1; {PLAIN_TYPE_WORDS[2]} = type=2
  "{_label("timeout")}" = timeout; "{_label("loop_count")}" = loop_count; \
"{_label("randomize")}" = randomize
  the lead = phone_to_call; the team list = list; the time scale = time_scale"""


def describe_rules(*, api_terms: bool = False) -> str:
    """The sandbox's behaviour as a few lines of text for a window or a terminal; with
    ``api_terms``, followed by the API's names for the words used."""
    return f"{_RULES}\n{API_TERMS}" if api_terms else _RULES


class Attempt(NamedTuple):
    """One simulated ring: the number, how it ended and how many simulated seconds it took."""

    number: str
    result: str
    seconds: float

    @property
    def answered(self) -> bool:
        return self.result == ANSWERED


def ring(number: str, timeout: int = DEFAULT_TIMEOUT) -> Attempt:
    """Ring ``number`` for at most ``timeout`` seconds, by the last-digit rule."""
    last = number[-1:] if number[-1:].isdigit() else "0"
    digit = int(last)
    if digit == 1:
        return Attempt(number, BUSY, BUSY_SECONDS)
    if digit >= 2 and digit < timeout:
        return Attempt(number, ANSWERED, float(digit))
    return Attempt(number, NO_ANSWER, float(timeout))


def dial_order(numbers: Sequence[str], loop_count: int, randomize: bool, seed: str) -> list[str]:
    """Every number in the order it is tried: ``loop_count`` passes, each shuffled if asked."""
    rng = random.Random(seed)
    order: list[str] = []
    for _ in range(max(1, loop_count)):
        one_pass = list(numbers)
        if randomize:
            rng.shuffle(one_pass)
        order.extend(one_pass)
    return order


def hunt(
    numbers: Sequence[str], timeout: int, loop_count: int, randomize: bool, seed: str
) -> list[Attempt]:
    """Ring the list in dial order until someone answers; the attempts made, in order."""
    attempts: list[Attempt] = []
    for number in dial_order(numbers, loop_count, randomize, seed):
        attempts.append(ring(number, timeout))
        if attempts[-1].answered:
            break
    return attempts


class CallPlan(NamedTuple):
    """A whole simulated call: the first leg decides the reply; the second follows it."""

    call_type: int
    first_leg: tuple[Attempt, ...]
    second_leg: tuple[Attempt, ...]

    @property
    def connected(self) -> bool:
        return bool(self.first_leg) and self.first_leg[-1].answered

    @property
    def result(self) -> str:
        return "success" if self.connected else "failed"

    @property
    def description(self) -> str:
        if self.connected:
            return CONNECTED
        if self.call_type == 1 and self.first_leg:
            return self.first_leg[-1].result
        return NO_ANSWER

    @property
    def first_leg_seconds(self) -> float:
        return sum(a.seconds for a in self.first_leg)


def plan_call(params: Mapping[str, str], sid: str) -> CallPlan:
    """Simulate a validated request's call; ``sid`` seeds the list shuffle."""
    call_type = int(params.get("type", "1"))
    timeout = int(params.get("timeout", str(DEFAULT_TIMEOUT)))
    loops = int(params.get("loop_count", "1"))
    randomize = params.get("randomize", "0") == "1"
    numbers = [n for n in params.get("list", "").split("|") if n]
    lead = params.get("phone_to_call", "")
    if call_type == 2:
        first = tuple(hunt(numbers, timeout, loops, randomize, sid))
        connected = bool(first) and first[-1].answered
        second = (ring(lead, timeout),) if connected else ()
        return CallPlan(2, first, second)
    first = (ring(lead, timeout),)
    second = tuple(hunt(numbers, timeout, loops, randomize, sid)) if first[0].answered else ()
    return CallPlan(1, first, second)
