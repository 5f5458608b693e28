"""Business rules for the organisation, people and roles: the only code that writes."""
