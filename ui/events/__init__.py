"""The event panel: the article's events and the codebook form that shows an EventEditor."""
