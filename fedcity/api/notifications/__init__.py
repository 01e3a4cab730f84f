"""Client API for notifications: v1, grouped v2, requests and policy, Web Push."""
