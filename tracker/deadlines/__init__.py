"""Deadlines: the one register of dated obligations, the working week, holidays and the reminder rules."""
