"""Long work off the GUI thread: the one task runner, the job controller and its dialogs."""
