"""FindMe Console engine: everything below the window, with no Qt import."""

APP_NAME = "FindMe Console"
APP_ID = "findme-console"
__version__ = "0.1.0"
USER_AGENT = f"FindMeConsole/{__version__}"
