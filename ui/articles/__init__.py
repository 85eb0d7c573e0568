"""The article list: a lazy Qt model over the workspace's articles, its view and the status actions."""
