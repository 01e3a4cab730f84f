"""Read helpers named get_x_by_y / list_x. No business rules live here."""


def escape_like(text: str) -> str:
    """`text` matched literally by LIKE (with escape character backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
