"""Meetings: working groups and other bodies, their attendees, agenda items linked to projects, and decisions."""
