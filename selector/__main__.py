"""``python -m selector``: the same command as ``selector``."""

from selector.cli import main

if __name__ == "__main__":
    main()
