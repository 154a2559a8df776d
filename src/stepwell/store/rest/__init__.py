"""The metadata store over the stepwell server's REST API (`RestStore`)."""
