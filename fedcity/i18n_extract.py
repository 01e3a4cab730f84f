"""Finding the messages to translate: a Babel extraction method for fedcity.

`pybabel extract -F babel.cfg` runs `extract_messages` over every module of
`fedcity/`. It takes, without any marker in the code:
- the literal message of every FedcityError made (`NotFound("…")`,
  `Unprocessable("… {limit} …", limit=n)`; OAuthError's description, its second
  argument),
- the default messages of the error classes (`message="…"` class keywords),
and every string marked `i18n.N_("…")`, the way to keep a message in a constant.
`unreadable` names the messages it cannot take (f-strings, built strings), which
tests/unit/test_i18n.py refuses. ConfigError is left out: it is the command
line's, in English, and never reaches a client.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from fedcity import errors

MARKER = "N_"
# Errors defined elsewhere whose message is not their first argument.
# CodeReplayed takes no message: it always says _INVALID_GRANT, a marked constant.
# Errors whose raise sites never pass the message (only a reason or a detail):
# their message is their class's `message=`.
MESSAGE_IN_CLASS_ONLY = 1_000
OTHER_ERRORS = {
    "OAuthError": 1,
    "ParameterInvalid": 1,
    "CodeReplayed": 1,
    "ProofError": MESSAGE_IN_CLASS_ONLY,
    "MultikeyError": MESSAGE_IN_CLASS_ONLY,
}
UNTRANSLATED = {"ConfigError"}


def error_classes() -> dict[str, int]:
    """The names of the error classes whose messages are translated, and the
    position of the message among their arguments."""
    found: dict[str, int] = {}
    stack: list[type[errors.FedcityError]] = [errors.FedcityError]
    while stack:
        cls = stack.pop()
        if cls.__module__ == errors.__name__ and cls.__name__ not in UNTRANSLATED:
            found[cls.__name__] = 0
            stack.extend(cls.__subclasses__())
    return found | OTHER_ERRORS


def extract_messages(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel's extraction-method interface: (line, function, message, comments)."""
    tree = ast.parse(fileobj.read())
    for lineno, message in messages_in(tree):
        yield lineno, "", message, []


def messages_in(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every translatable literal in a module, with its line."""
    classes = error_classes()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            yield from _class_default(node)
        elif isinstance(node, ast.Call):
            argument = _message_argument(node, classes)
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield argument.lineno, argument.value


def marked_constants(tree: ast.AST) -> set[str]:
    """Names assigned a marked message, or a dict of marked messages:
    `NAME = N_("…")`, `NAMES = {key: N_("…"), …}`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_marked(node.value):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _is_marked(value: ast.expr) -> bool:
    if isinstance(value, ast.Dict):
        return bool(value.values) and all(_is_marker_call(v) for v in value.values)
    return _is_marker_call(value)


def unreadable(tree: ast.AST, constants: Collection[str]) -> list[tuple[int, str]]:
    """Errors made with a message this extractor cannot read: anything but a
    literal, a marked literal, or a constant in `constants` (from
    `marked_constants` over the whole package)."""
    classes = error_classes()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        argument = _message_argument(node, classes)
        if argument is None or _readable(argument, constants):
            continue
        found.append((node.lineno, ast.unparse(node)))
    return found


def _readable(argument: ast.expr, constants: Collection[str]) -> bool:
    if isinstance(argument, ast.Constant):
        return argument.value is None or isinstance(argument.value, str)
    if _is_marker_call(argument):
        return True
    if isinstance(argument, ast.Subscript):  # one of a dict of marked messages
        argument = argument.value
    if isinstance(argument, ast.Name):
        return argument.id in constants
    return isinstance(argument, ast.Attribute) and argument.attr in constants


def _message_argument(call: ast.Call, classes: Mapping[str, int]) -> ast.expr | None:
    """The message given to an error class or to the marker, if any."""
    name = _called_name(call)
    position = 0 if name == MARKER else classes.get(name or "")
    if position is None:
        return None
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == "message"), None)


def _class_default(node: ast.ClassDef) -> Iterator[tuple[int, str]]:
    for keyword in node.keywords:
        value = keyword.value
        if (
            keyword.arg == "message"
            and node.name not in UNTRANSLATED
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            yield value.lineno, value.value


def _is_marker_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _called_name(node) == MARKER


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None
