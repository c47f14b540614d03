"""The web app for desk officers: server-rendered pages over the same service functions."""
