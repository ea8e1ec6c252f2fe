"""Realistic call history for the benchmarks, written with Store.add_calls_bulk."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console.calls.request import redacted_url
from console.sandbox.server import reply_xml
from console.store import CallRecord, Store

FIRST = ("Jane", "John", "Maria", "Wei", "Ahmed", "Olga", "Luis", "Priya", "Sam", "Chloe")
LAST = ("Roe", "Smith", "Garcia", "Chen", "Khan", "Ivanova", "Lopez", "Patel", "Okafor", "Martin")
TEAMS = ("Sales East", "Sales West", "Renewals", "Enterprise", "Night shift", "Support tier 2")
OUTCOMES = (
    ("success", "Call Connected", 60),
    ("failed", "No Answer", 20),
    ("failed", "Busy", 8),
    ("unknown", "outcome unknown: no answer within 90 s", 4),
    ("network", "could not connect to secure.dialogtech.com", 4),
    ("cancelled", "cancelled here; it may still go ahead", 2),
    ("interrupted", "outcome unknown (interrupted)", 2),
)
API = "https://secure.dialogtech.com/ibp_api.php"


def records(
    count: int,
    seed: int = 6,
    start: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    span: timedelta = timedelta(days=730),
) -> Iterator[CallRecord]:
    """``count`` finished calls over ``span`` from ``start`` (two years by default), oldest
    first, from ~2,000 leads and 6 teams; each took 5 to 65 s to be answered."""
    rng = random.Random(seed)
    step = span / max(count, 1)
    weights = [w for *_, w in OUTCOMES]
    for i in range(count):
        lead = rng.randrange(2000)
        name = f"{FIRST[lead % 10]} {LAST[lead // 10 % 10]} {lead}"
        number = f"{212 + lead % 700:03d}{555 - lead % 300:03d}{lead:04d}"
        team = TEAMS[rng.randrange(len(TEAMS))]
        members = "|".join(f"{312 + t:03d}5550{t:03d}" for t in range(1 + lead % 4))
        status, description, _ = rng.choices(OUTCOMES, weights)[0]
        created = start + step * i
        answered = status in ("success", "failed")
        sid = f"{created:%y%m%d}{rng.getrandbits(40):010x}" if answered else ""
        params = {
            "action": "FindMe",
            "key": "bench-key",
            "list": members,
            "phone_to_call": number,
            "type": str(1 + lead % 2),
            "timeout": "30",
            "loop_count": "1",
            "dtmf_only": "0",
            "ref": f"crm-{i}",
            "page": "leads",
        }
        request = redacted_url(API, params)
        reply = reply_xml(status, description, sid) if sid else ""
        stamp = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        waited = timedelta(milliseconds=rng.randrange(5_000, 65_000))
        finished = (created + waited).isoformat(timespec="milliseconds")
        yield CallRecord(
            None,
            stamp,
            finished.replace("+00:00", "Z"),
            name,
            number,
            team,
            members,
            1 + lead % 2,
            status,
            description,
            sid,
            request,
            reply,
            4242,
        )


def seed_store(path: Path, count: int, **spread) -> int:
    """Create the store at ``path`` holding ``count`` calls (``spread``: records' start and
    span); returns how many were written."""
    with Store.open(path) as store:
        return store.add_calls_bulk(records(count, **spread)) if count else 0


DISPOSITIONS = ("Connected", "Left voicemail", "Interested", "Not interested", "Call back")


def wrap_up_most(path: Path) -> None:
    """Give most answered calls a disposition, as agents would have (in one UPDATE)."""
    cases = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(DISPOSITIONS))
    with Store.open(path) as store, store._tx() as conn:
        conn.execute(
            f"UPDATE history SET disposition = CASE id % {len(DISPOSITIONS) + 1} {cases} END,"
            " wrapped_at = finished_at WHERE status = 'success'"
            f" AND id % {len(DISPOSITIONS) + 1} < {len(DISPOSITIONS)}"
        )
