"""The history's Agent filter, shown in team mode: everyone's calls, or one agent's."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget


class AgentFilter(QComboBox):
    """ "All agents" (data None) then each agent name (data the name), this desktop's marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Filter by agent"))
        self.setToolTip(self.tr("Show every agent's calls, or one agent's"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._own = ""
        self.addItem(self.tr("All agents"), None)

    def set_agents(self, names: list[str], own: str) -> None:
        """The names to offer (``own``, this desktop's agent, first and always), keeping the
        pick; signals nothing (the caller filters when it means to)."""
        picked = self.currentData()
        self._own = own
        wanted = [own] if own else []
        wanted += sorted({n for n in names if n and n != own}, key=str.casefold)
        self.blockSignals(True)
        while self.count() > 1:
            self.removeItem(1)
        for name in wanted:
            label = self.tr("{0} (me)").format(name) if name == own else name
            self.addItem(label, name)
        index = self.findData(picked) if picked is not None else 0
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def pick(self, agent: str | None) -> bool:
        """Show ``agent``'s calls (None: all); False when that name is not offered."""
        index = 0 if agent is None else self.findData(agent)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True
