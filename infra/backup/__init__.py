"""Backups of every service database with a manifest, retention, upload and verified restore."""
