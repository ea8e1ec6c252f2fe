"""The main window: layout and wiring of the features, menus, tray, links, preferences."""
