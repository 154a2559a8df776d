"""`python -m stepwell.server`: run a server in the foreground (see `main`)."""

from stepwell.server.main import main

main()
