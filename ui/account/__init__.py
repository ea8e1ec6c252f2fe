"""The account dialog (credentials, API URL, certificates) and the sandbox outbox."""
