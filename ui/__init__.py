"""The Qt window, by feature: ``shell/`` wires the features in ``calls/``, ``leads/``, ``teams/``,
``history/`` and ``account/``, which import only ``common/`` and the engine (``console``)."""
