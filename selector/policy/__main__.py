"""``python -m selector.policy``: print the policy JSON Schema."""

from selector.policy.schema import main

if __name__ == "__main__":
    main()
