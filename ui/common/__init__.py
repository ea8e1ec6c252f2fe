"""What several features share: errors, the task runner, undo, widgets, words, icons."""
