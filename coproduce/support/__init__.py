"""The council as a platform: shared back-office services community organisations can use."""
