"""The executives' Dash dashboards, served by Django under /dashboards/."""
