"""Loading a past call into the call panel ("Load into call panel" in the history): its lead,
list and options, asking first when its options differ from those in use."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from console.calls.params import OPTION_NAMES
from console.phone import lead_label
from console.store import CallRecord, Lead, TeamList, TeamMember
from ui.common.errors import ask


def options_from_request(request_redacted: str) -> dict[str, str]:
    """The tunable options of a stored request (credentials and per-call fields dropped)."""
    query = urlsplit(request_redacted).query
    return {k: v for k, v in parse_qsl(query) if k in OPTION_NAMES}


class LoadFromHistory:
    """The call panel's part that loads a past call; mixed into CallPanel, whose lead, team
    list, options form and feedback line it uses."""

    def load_call(self, record: CallRecord, saved: Lead | None = None) -> None:
        """The lead, list and options of a past call, ready for Ctrl+Enter ("Load into call
        panel"). ``saved`` is the saved lead with the call's number, if any (its name, its
        "Do not call" mark; no "Save as lead"). When its options differ from those in use, the
        agent is asked first, with the changes listed, and may keep their own options."""
        options = options_from_request(record.request_redacted)
        changes = self.form.changes(options)
        if not changes:
            self._load_call(record, None, saved=saved)
            return
        who = lead_label(record.lead_name, record.lead_number)
        changed = [self.tr("{0}: {1} → {2}").format(*change) for change in changes]
        lines = "\n".join(f"• {line}" for line in changed)
        self._load_question = ask(
            self,
            self.tr("Load a call from the history"),
            self.tr("Load the call to {0} on {1}? Its options differ from those in use:").format(
                who, record.team_name or self.tr("an ad-hoc list")
            ),
            lambda: self._load_call(record, options, changed, saved),
            yes=self.tr("&Load with its options"),
            no=self.tr("&Cancel"),
            informative=lines,
            also=(
                self.tr("Load, &keep my options"),
                lambda: self._load_call(record, None, saved=saved),
            ),
        )

    def _load_call(
        self,
        record: CallRecord,
        options: Mapping[str, str] | None,
        changed: list[str] | None = None,
        saved: Lead | None = None,
    ) -> None:
        """Load ``record``'s lead and list, and ``options`` unless None (the current stay);
        ``changed`` says which options that changed, for the line beside Call."""
        self.set_lead(saved or Lead(None, record.lead_name, record.lead_number))
        team = next(
            (
                self.team_combo.itemData(i)
                for i in range(self.team_combo.count())
                if self.team_combo.itemData(i).list_value == record.list_value
            ),
            None,
        )
        if team is not None:
            self.select_team(team.name)
        else:
            members = [TeamMember(n, n) for n in record.list_value.split("|") if n]
            index = self._add_history_team(TeamList(None, record.team_name, members))
            self.team_combo.setCurrentIndex(index)
        if options is not None:
            self.form.set_values(options)
        if options is not None and changed:
            self.show_feedback(
                self.tr("Loaded the call from the history, with these options changed; press "
                        "Call to place it again:"),
                changed,
            )  # fmt: skip
        else:
            self.show_feedback(
                self.tr("Loaded the call from the history: press Call to place it again.")
            )
        self.call_button.setFocus()
