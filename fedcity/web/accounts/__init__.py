"""Signing in and an account's settings pages: /auth/…, /settings/…"""
