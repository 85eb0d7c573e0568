"""The jobs both the command line and the GUI run (import, assign, agreement, merge), without Qt."""
