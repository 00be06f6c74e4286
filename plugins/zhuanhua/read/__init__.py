"""Reading deliveries: the landing area (a folder or an object store) and the readers that
turn a delivered file into rows of text exactly as received, or reject it whole."""
