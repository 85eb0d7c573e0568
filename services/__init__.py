"""The jobs both the command line and the GUI run, without Qt."""
