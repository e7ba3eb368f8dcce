"""Payments domain: money, tenders, cash rounding, sales, receipts as data.

Pure Python: no Qt, no database. Every amount is an integer number of cents.
"""
