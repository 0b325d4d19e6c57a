"""Status briefs (گزارش وضعیت) for members of parliament: PDFs rendered from live data, and their archive."""
