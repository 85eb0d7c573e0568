"""The jobs both faces run (import, suggest, export): plain functions, no Qt, called by main.py and the GUI."""
