"""Places: provinces, counties and constituencies, the geography every record is scoped by."""
