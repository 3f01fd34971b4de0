"""System calls: the dispatch table (decode → validate → perform) and the handlers."""
