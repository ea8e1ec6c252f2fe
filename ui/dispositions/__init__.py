"""The dispositions editor (Edit → Dispositions…): the team's list the wrap-up offers."""
