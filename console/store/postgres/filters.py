"""The WHERE clauses of the team store's searches (console.store.postgres.store)."""

from __future__ import annotations

from console.store.models import CALL_STATUSES, like_pattern, phone_digits


def lead_filter(text: str) -> tuple[str, list[str]]:
    """``WHERE ...`` (or '') matching leads by name, company or number, and its parameters."""
    text = text.strip()
    if not text:
        return "", []
    pattern = like_pattern(text)
    clauses = [f"{c} ILIKE %s ESCAPE '\\'" for c in ("name", "company", "number")]
    params = [pattern, pattern, pattern]
    digits = phone_digits(text)
    if digits and digits != text:
        clauses.append("number LIKE %s")
        params.append(f"%{digits}%")
    return "WHERE " + " OR ".join(clauses), params


def call_filter(
    text: str,
    status: str | None,
    agent: str | None,
    before: tuple[str, str] | None,
    disposition: str | None = None,
) -> tuple[str, list[object]]:
    """`` WHERE ...`` (or '') for calls by status, agent, disposition (ignoring case; "" for
    the calls not wrapped up), text, and older than ``before`` ((created_at, uuid), keyset
    paging); ValueError for an unknown status."""
    clauses: list[str] = []
    params: list[object] = []
    if disposition is not None:
        clauses.append("lower(disposition) = lower(%s)")
        params.append(disposition.strip())
    if status is not None:
        if status not in CALL_STATUSES:
            raise ValueError(f"unknown call status {status!r}")
        clauses.append("status = %s")
        params.append(status)
    if agent is not None:
        clauses.append("agent = %s")
        params.append(agent)
    if before is not None:
        clauses.append("(created_at, uuid) < (%s::timestamptz, %s::uuid)")
        params.extend(before)
    text = text.strip()
    if text:
        pattern = like_pattern(text)
        columns = ("lead_name", "lead_number", "team_name", "description", "sid", "agent", "notes")
        matches = [f"{c} ILIKE %s ESCAPE '\\'" for c in columns]
        params.extend([pattern] * len(columns))
        digits = phone_digits(text)
        if digits and digits != text:
            matches.append("lead_number LIKE %s")
            params.append(f"%{digits}%")
        clauses.append("(" + " OR ".join(matches) + ")")
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
