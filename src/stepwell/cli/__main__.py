"""`python -m stepwell.cli`: the same as the `stepwell` console script."""

from stepwell.cli import main

if __name__ == "__main__":
    main()
