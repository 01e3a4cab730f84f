"""The fixed words of offices: roles, capacities, US state codes, and Open Civic
Data division ids derived from a jurisdiction written as "Ojai, CA"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from fedcity.errors import Unprocessable

# An office's role, in the order a directory lists them.
ROLES: Final = (
    "mayor",
    "vice_mayor",
    "council_member",
    "city_manager",
    "city_clerk",
    "city_attorney",
    "county_supervisor",
    "department_head",
    "staff",
    "league_staff",
)
# What `--role` takes besides an office: a candidacy for the office `--seeking` names.
CANDIDATE: Final = "candidate"

# How a role reads in a title made for the official when none is given.
ROLE_NAMES: Final = {
    "mayor": "Mayor",
    "vice_mayor": "Vice Mayor",
    "council_member": "Council Member",
    "city_manager": "City Manager",
    "city_clerk": "City Clerk",
    "city_attorney": "City Attorney",
    "county_supervisor": "County Supervisor",
    "department_head": "Department Head",
    "staff": "Staff",
    "league_staff": "League Staff",
}

# In what capacity an account speaks.
CAPACITIES: Final = ("official", "personal", "campaign")
DEFAULT_CAPACITY: Final = "personal"

# The states, the District of Columbia and the territories (USPS codes).
# fmt: off
STATES: Final = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT",
    "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI",
    "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "AS",
    "GU", "MP", "PR", "VI",
))
# fmt: on

OCD_PREFIX: Final = "ocd-division/country:us"
_OCD_ID = re.compile(r"ocd-division/country:[a-z]{2}(/[a-z_]+:[a-z0-9_.~-]+)*")
_NOT_OCD = re.compile(r"[^a-z0-9_.~-]")


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    state: str  # two letters, upper case
    ocd_id: str
    population: int | None = None


def check_role(role: str) -> str:
    if role not in ROLES:
        raise Unprocessable(
            "Unknown office role {role}: one of {roles}",
            role=role,
            roles=", ".join(ROLES),
        )
    return role


def check_capacity(capacity: str) -> str:
    if capacity not in CAPACITIES:
        raise Unprocessable(
            "Unknown capacity {capacity}: one of official, personal, campaign",
            capacity=capacity,
        )
    return capacity


def parse_jurisdiction(text: str) -> tuple[str, str]:
    """("Ojai", "CA") from "Ojai, CA": a name, a comma, a state's two letters."""
    name, sep, state = text.rpartition(",")
    name, state = name.strip(), state.strip().upper()
    if not sep or not name or state not in STATES:
        raise Unprocessable(
            'Write the jurisdiction as "Name, ST" with a US state code, not {text}',
            text=text,
        )
    return name, state


def place_segment(name: str) -> str:
    """A place name as OCD writes it: lower case, spaces as underscores, and only
    the characters OCD ids allow (others dropped)."""
    return _NOT_OCD.sub("", "_".join(name.lower().split()))


def derive_ocd_id(name: str, state: str) -> str:
    """`ocd-division/country:us/state:ca/place:ojai` for ("Ojai", "CA"); DC is a
    `district`, as OCD has it."""
    if state == "DC":
        return f"{OCD_PREFIX}/district:dc"
    return f"{OCD_PREFIX}/state:{state.lower()}/place:{place_segment(name)}"


def check_ocd_id(ocd_id: str) -> str:
    if not _OCD_ID.fullmatch(ocd_id):
        raise Unprocessable(
            "Not an Open Civic Data division id: {ocd_id}", ocd_id=ocd_id
        )
    return ocd_id


def jurisdiction(
    text: str, *, ocd_id: str | None = None, population: int | None = None
) -> Jurisdiction:
    name, state = parse_jurisdiction(text)
    if population is not None and population < 0:
        raise Unprocessable("The population cannot be negative")
    return Jurisdiction(
        name=name,
        state=state,
        ocd_id=check_ocd_id(ocd_id) if ocd_id else derive_ocd_id(name, state),
        population=population,
    )


def default_title(role: str, place: str) -> str:
    """ "Mayor of Ojai": how a title reads when the verifier gives none."""
    return f"{ROLE_NAMES[role]} of {place}"
