"""Daily reminders, weekly digests, their one-click unsubscribe, and the periodic pass that
sends them and clears what has expired (``manage.py send_reminders``)."""
