"""Counter: the point of service for the City Hall 311 Payments and Customer Service counter."""

__version__ = "0.1.0"
