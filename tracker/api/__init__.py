"""The read-only JSON API for other systems: projects, budgets, visits, decisions and milestones, by token."""
