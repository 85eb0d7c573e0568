"""Jobs both the command line and the window run (no Qt): import, suggest, export and the like."""
