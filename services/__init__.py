"""The jobs both faces run (command line and GUI), without Qt: they join storage and coding."""
