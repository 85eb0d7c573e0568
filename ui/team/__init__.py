"""Team work: assignments, merge, agreement and adjudication windows."""
