"""The main window: it builds every part, hands each its collaborators, and wires them together."""
