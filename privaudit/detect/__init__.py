"""Column classification: header dictionaries, attribute vocabularies, names, addresses, and the scanner."""
