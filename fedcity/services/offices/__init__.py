"""Verified offices (issue 11): who holds which public office or runs for one, who
says so, and in what capacity an account speaks."""
