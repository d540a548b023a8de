"""Reading DUO open-data files (CSV) into the registry."""
