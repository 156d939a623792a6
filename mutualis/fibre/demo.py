"""A plausible, FICTITIOUS FTTH deployment of the rural communes of the Yvelines, for the demo and the bench.

Rural communes: those of the Yvelines under RURAL_POPULATION inhabitants (INSEE municipal population). About
`premises` premises (dwellings and business premises) are spread over them by population; each commune gets PM
zones of a few hundred premises, a deployment wave (most are deployed, some under way, a few starting, some PM
late), yearly targets and addresses with GraceTHD-like identifiers. Everything comes from one seeded random
generator and the year of `today`: the same input gives the same network.

The addresses are generated one at a time (`addresses()`), so that the demo inserts them in batches and the bench
writes files of a million lines without holding them.
"""

import datetime
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mutualis.fibre.choices import AddressState, PMZoneState
from mutualis.fibre.models import PMZone

RURAL_POPULATION = 3500
PREMISES_PER_PM = 420
CONTRACTOR = "Yvelines Fibre THD (titulaire fictif)"
STREETS = (
    "RUE DE LA MAIRIE",
    "RUE DE L'EGLISE",
    "GRANDE RUE",
    "CHEMIN DES VIGNES",
    "ROUTE DE RAMBOUILLET",
    "RUE DU LAVOIR",
    "IMPASSE DES TILLEULS",
    "RUE DES ECOLES",
    "CHEMIN DU MOULIN",
    "RUE DE LA FONTAINE",
    "ALLEE DES CHENES",
    "RUE DU CHATEAU",
    "ROUTE DE HOUDAN",
    "RUE DES PRES",
    "HAMEAU DE LA FORET",
)
# (share of communes, first PM year and last PM year relative to this year, share of addresses deployed).
WAVES = (
    (0.55, -6, -3, 0.97),
    (0.25, -3, -1, 0.88),
    (0.12, -1, 1, 0.45),
    (0.08, 0, 2, 0.05),
)


@dataclass
class DemoZone:
    """A PM zone of the demo network."""

    reference: str
    commune_code: str
    premises: int
    planned_on: datetime.date
    state: str
    commissioned_on: datetime.date | None
    deployed_share: float


@dataclass
class DemoCommune:
    """A commune of the demo network: its premises, wave, targets and PM zones."""

    insee_code: str
    name: str
    premises: int
    targets: dict[int, int] = field(default_factory=dict)
    zones: list[DemoZone] = field(default_factory=list)


def _day_in(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def build_network(
    communes: list[tuple[str, str, int]], *, premises: int, today: datetime.date, seed: int = 78
) -> list[DemoCommune]:
    """The demo network over `communes` ((INSEE code, name, population), rural ones first chosen by the caller)."""
    rng = random.Random(seed)
    population = sum(pop for _code, _name, pop in communes) or 1
    network = []
    for code, name, pop in sorted(communes):
        total = max(20, round(premises * pop / population))
        _share, first, last, deployed = _wave(rng)
        commune = DemoCommune(code, name, total)
        count = max(1, math.ceil(total / PREMISES_PER_PM))
        years = list(range(today.year + first, today.year + last + 1))
        for index in range(count):
            planned = _day_in(rng, years[index * len(years) // count])
            late = planned < today and rng.random() < 0.12 and deployed < 0.9
            if planned < today and not late:
                state, commissioned = (
                    PMZoneState.COMMISSIONED,
                    min(today, planned + datetime.timedelta(rng.randrange(-20, 90))),
                )
            elif planned < today + datetime.timedelta(days=240):
                state, commissioned = PMZoneState.IN_PROGRESS, None
            else:
                state, commissioned = PMZoneState.PLANNED, None
            zone_premises = total // count + (1 if index < total % count else 0)
            commune.zones.append(
                DemoZone(f"PM-{code}-{index + 1:02d}", code, zone_premises, planned, state, commissioned, deployed)
            )
            year = planned.year
            commune.targets[year] = commune.targets.get(year, 0) + zone_premises
        network.append(commune)
    return network


def pm_zones(network: list[DemoCommune], commune_ids: dict[str, int]) -> list[PMZone]:
    """The network's PM zones as unsaved models (commune ids by INSEE code), for a bulk insert."""
    return [
        PMZone(
            reference=zone.reference,
            commune_id=commune_ids[zone.commune_code],
            state=zone.state,
            premises_planned=zone.premises,
            planned_on=zone.planned_on,
            commissioned_on=zone.commissioned_on,
        )
        for commune in network
        for zone in commune.zones
    ]


def _wave(rng: random.Random) -> tuple[float, int, int, float]:
    draw, cumulated = rng.random(), 0.0
    for wave in WAVES:
        cumulated += wave[0]
        if draw < cumulated:
            return wave
    return WAVES[-1]


def addresses(network: list[DemoCommune], *, today: datetime.date, seed: int = 78) -> Iterator[dict[str, Any]]:
    """The demo addresses, one dict of Address values at a time (PM zone by reference, commune by INSEE code)."""
    rng = random.Random(seed * 1000 + 1)
    sequence = 0
    for commune in network:
        number_by_street: dict[str, int] = {}
        for zone in commune.zones:
            left = zone.premises
            while left > 0:
                sequence += 1
                dwellings, business = _premises(rng, left)
                left -= dwellings + business
                street = STREETS[rng.randrange(len(STREETS))]
                number = number_by_street[street] = number_by_street.get(street, 0) + rng.randrange(1, 5)
                yield {
                    "code": f"AD{commune.insee_code}{sequence:07d}",
                    "ban_id": f"{commune.insee_code}_{STREETS.index(street) + 10:04d}_{number:05d}",
                    "hexacle": f"{(int(commune.insee_code) * 7919 + sequence) % 10**10:010d}",
                    "insee": commune.insee_code,
                    "label": f"{number} {street}",
                    "dwellings": dwellings,
                    "business_premises": business,
                    "pm_reference": zone.reference,
                    **_life(rng, zone, today),
                }


def _premises(rng: random.Random, left: int) -> tuple[int, int]:
    draw = rng.random()
    if draw < 0.86:
        return 1, 0
    if draw < 0.90:
        return 0, min(left, rng.randrange(1, 4))
    if draw < 0.93:
        return 1, 1
    return min(left, rng.randrange(2, 13)), 0


def _life(rng: random.Random, zone: DemoZone, today: datetime.date) -> dict[str, Any]:
    """State and dates of one address of a zone: signed, cabled around the PM's date, opened three months after,
    a subscription for part of the connectable ones."""
    values: dict[str, Any] = {
        "state": AddressState.TARGETED,
        "signed_on": None,
        "cabled_on": None,
        "commissioned_on": None,
        "connected_on": None,
    }
    if rng.random() < 0.008:
        values["state"] = AddressState.ABANDONED
        return values
    reference_day = zone.commissioned_on or zone.planned_on
    if zone.state == PMZoneState.PLANNED:
        return values
    values["signed_on"] = reference_day - datetime.timedelta(days=rng.randrange(120, 400))
    if values["signed_on"] > today:
        values["signed_on"] = None
        return values
    values["state"] = AddressState.SIGNED
    deployed = zone.state == PMZoneState.COMMISSIONED and rng.random() < zone.deployed_share
    if not deployed:
        values["state"] = AddressState.IN_PROGRESS if rng.random() < 0.6 else AddressState.SIGNED
        return values
    cabled = min(today, reference_day + datetime.timedelta(days=rng.randrange(-90, 150)))
    values.update(state=AddressState.DEPLOYED, cabled_on=max(cabled, values["signed_on"]))
    opened = max(values["cabled_on"], reference_day) + datetime.timedelta(days=90)
    values["commissioned_on"] = opened if opened <= today else None
    connectable = max(values["cabled_on"], zone.commissioned_on or today)
    years = (today - connectable).days / 365
    if rng.random() < min(0.7, 0.15 + 0.15 * years):
        values["connected_on"] = connectable + datetime.timedelta(
            days=rng.randrange(0, max(1, (today - connectable).days) + 1)
        )
    return values
