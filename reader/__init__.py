"""reader: label spans in Arabic news articles in the terminal."""
