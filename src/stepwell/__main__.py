"""`python -m stepwell`: the same as the `stepwell` console script (needs the `cli` extra)."""

from stepwell.cli import main

if __name__ == "__main__":
    main()
