"""Notifications: making them, grouping, the policy for strangers, requests, Web Push."""
