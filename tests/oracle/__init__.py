"""An independent second evaluator, the random knowledge bases it is checked on, and their policies."""
