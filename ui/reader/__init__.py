"""The reader: an article's text with its highlights, the legend and the keys that review them."""
