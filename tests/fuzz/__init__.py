"""Fuzzing the loaders: any exception but a SelectorError is a bug."""
