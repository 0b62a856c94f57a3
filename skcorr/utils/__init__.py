"""Helpers with no science in them: validation, seeding, parallelism, discovery."""
