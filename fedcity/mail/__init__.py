"""Sending mail over SMTP (`[mail]`): the `send_mail` job and `fedcity mail test`."""
