"""FindMe Console engine: everything below the window, with no Qt import."""

APP_NAME = "FindMe Console"
APP_ID = "findme-console"
__version__ = "0.1.0"
USER_AGENT = f"FindMeConsole/{__version__}"
DEFAULT_API_URL = "https://secure.dialogtech.com/ibp_api.php"
# The command line's commands; main.py tells them from the window's arguments with this alone.
COMMANDS = ("call", "history", "sandbox", "account", "leads", "teams")
