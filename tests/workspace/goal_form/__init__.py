"""The goal editor's pages, /goals/new and /goals/<id>/edit."""
