"""Importing projects and budget figures from Excel workbooks."""
