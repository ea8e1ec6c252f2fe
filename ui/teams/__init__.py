"""The team lists (hunt lists): their members, order, import and export."""
