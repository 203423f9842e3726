#!/usr/bin/env python3
"""Write scenarios/england-2026.toml and scenarios/england-2026-no-ruling.toml:
England's 152 councils with adult social services responsibilities as the
areas of one scenario, each the typical council of dols-2026.toml (or of
dols-2026-no-ruling.toml) scaled to its population.

    python3 scripts/make-england-scenarios.py

Reads data/england-councils.csv (data/README.md gives its source). Each
council's share of England is its population over England's average
council's (England / 152): its demand, today's backlog and its staff are
the typical council's times that share, so England's totals are 152
typical councils' and every council has the same demand and staff per
head. Standard library only.
"""

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The typical council's figures (dols-2026.toml), each scaled by the share.
# Counts of people waiting are whole; the rest keep two decimals.
SCALED = [
    ("flows.urgent_bia.arrivals.per_year", 1100, 1),
    ("flows.standard_bia.arrivals.per_year", 520, 1),
    ("flows.urgent_bia.initial.waiting", 114, 0),
    ("flows.standard_bia.initial.waiting", 700, 0),
    ("flows.standard_bia.initial.scheduled", 600, 0),
    ("roles.dols_bia.fte", 6, 2),
    ("roles.rota_bia.fte", 2, 2),
    ("roles.signatory.fte", 1.5, 2),
    ("roles.independent_bia.per_week", 4, 2),
    ("roles.s12_doctor.per_week", 60, 2),
]
TYPICAL_BUDGET = 850_000

HEADER = """\
# {name}: England's 152 councils' DoLS services from
# 1 April 2026, each council one area, {ruling}
# Written by scripts/make-england-scenarios.py from
# data/england-councils.csv: change those, not this file.
#
#   cargo run --release -- run scenarios/{name}.toml -n 100
#   ARRAY=1-4 SCENARIO=scenarios/{name}.toml REPLICATIONS=100 scripts/slurm-e2e.sh
#
# Councils: the 152 councils with adult social services responsibilities
# as they were from April 2021 to March 2023 (Cumbria one council; it
# became Cumberland and Westmorland and Furness in April 2023, so the
# 2023-24 DoLS collection counts 153), grouped by region below.
# Populations: ONS Census 2021, usual residents (data/README.md).
#
# Each area is {base} (read its header for every source and
# assumption): the typical council, one 152nd of England in 2023-24
# (2,187 applications received a year), scaled by the council's
# population over England's average council's ({average:,} people). So
# demand per head is England's in every council (ASSUMPTION: the
# national collection's rates differ by council and region; they were
# not retrieved here), and so is staffing per head: England in all has
# the typical council's staff 152 times over, {dols_bia:,} DoLS team BIAs,
# {rota:,} FTE of social workers on BIA rotas (about {rota_people:,} social workers at
# a tenth of their time, {rota_share}% of the 18,500 council adult social
# workers Skills for Care counted in 2023: FACTS) and {signatory:,} FTE of
# signatories (ASSUMPTION, all three). Independent BIAs and s12 doctors
# are bought in per head alike. No council's worker takes another
# council's requests.
#
# Budget: England's, 152 times the typical council's £850k a year for
# DoLS (ASSUMPTION; FACTS: councils spent £80.1m on DoLS when the Law
# Commission costed it, before the growth since).

[scenario]
name = "{name}"
description = "England's 152 councils' DoLS services from April 2026, {short}"
start = 2026-04-01
years = 2

[budget]
dols = {budget}
"""

RULINGS = {
    "england-2026": (
        "dols-2026.toml",
        "with the Supreme Court's ruling of\n# 2 June 2026 at the central assumption.",
        "the ruling at the central assumption",
    ),
    "england-2026-no-ruling": (
        "dols-2026-no-ruling.toml",
        "without the Supreme Court's ruling\n# of 2 June 2026: the run to set against England's 2023-24 figures.",
        "without the Supreme Court ruling",
    ),
}


def slug(council):
    return re.sub(r"[^a-z0-9]+", "_", council.lower()).strip("_")


def number(value, places):
    if places == 0:
        return str(round(value))
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text


def area(row, share, base):
    changes = ", ".join(f'"{key}" = {number(typical * share, places)}' for key, typical, places in SCALED)
    return (
        f"[[areas]]\n"
        f'name = "{slug(row["council"])}"\n'
        f'label = "{row["council"]} ({row["region"]})"\n'
        f'scenario = "{base}"\n'
        f"set = {{ {changes} }}   # {share:.3f} average councils\n"
    )


def scenario(name, rows):
    base, ruling, short = RULINGS[name]
    councils = len(rows)
    average = sum(int(r["population_2021"]) for r in rows) / councils
    text = HEADER.format(
        name=name,
        ruling=ruling,
        base=base,
        short=short,
        average=round(average),
        dols_bia=6 * councils,
        rota=2 * councils,
        rota_people=20 * councils,
        rota_share=round(100 * 20 * councils / 18_500),
        signatory=round(1.5 * councils),
        budget=f"{TYPICAL_BUDGET * councils:_}",
    )
    region = None
    for row in rows:
        if row["region"] != region:
            region = row["region"]
            text += f"\n# {region}\n"
        text += "\n" + area(row, int(row["population_2021"]) / average, base)
    return text


def main():
    with open(ROOT / "data" / "england-councils.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 152, f"{len(rows)} councils, not 152"
    for name in RULINGS:
        (ROOT / "scenarios" / f"{name}.toml").write_text(scenario(name, rows))


if __name__ == "__main__":
    main()
