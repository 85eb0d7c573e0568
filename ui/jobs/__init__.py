"""Long work off the GUI thread: the job runner (job.py), its progress in the status bar, the controller and its dialogs."""
