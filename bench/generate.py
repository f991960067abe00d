"""Generate realistic events files for the benchmark: ``python bench/generate.py N OUT``.

Not part of the package or the test suite. The same N always gives the same file (fixed seed):
about 10 projects, 40 locations around the southern Baltic (Swedish, Danish, Polish, German and
Lithuanian names, their own time zones), a mix of one-day, multi-day and timed events from
2024 to 2029, Swedish and sometimes English titles, and 200–800-character Swedish descriptions.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

PROJECTS = {
    "umbrella": ("Umbrella – kapacitetsbyggande för internationellt samarbete", "Umbrella"),
    "baltic-bridge": ("Baltic Bridge – hamnar och hållbar logistik", "Baltic Bridge"),
    "green-coast": ("Grön kust – klimatanpassning längs Östersjön", "Grön kust"),
    "youth-mobility": ("Ungas rörlighet i Östersjöregionen", "Ungas rörlighet"),
    "smart-rural": ("Smart landsbygd – digital service i små kommuner", "Smart landsbygd"),
    "blue-food": ("Blå mat – fiske och vattenbruk", "Blå mat"),
    "culture-route": ("Kulturvägen – kulturarv som besöksmål", "Kulturvägen"),
    "energy-islands": ("Energiöar – förnybar energi på öarna", "Energiöar"),
    "health-baltic": ("Hälsa Östersjön – e-hälsa över gränser", "Hälsa Östersjön"),
    "water-wise": ("Vattenvis – rent vatten i jordbruksbygd", "Vattenvis"),
}

LOCATIONS = [  # slug, name, country
    ("kalmar", "Kalmar", "SE"),
    ("vaxjo", "Växjö", "SE"),
    ("karlskrona", "Karlskrona", "SE"),
    ("kristianstad", "Kristianstad", "SE"),
    ("hassleholm", "Hässleholm", "SE"),
    ("alvesta", "Alvesta", "SE"),
    ("oskarshamn", "Oskarshamn", "SE"),
    ("vastervik", "Västervik", "SE"),
    ("borgholm", "Borgholm", "SE"),
    ("malmo", "Malmö", "SE"),
    ("linkoping", "Linköping", "SE"),
    ("nybro", "Nybro", "SE"),
    ("guldborgsund", "Guldborgsund", "DK"),
    ("bornholm", "Rønne, Bornholm", "DK"),
    ("kobenhavn", "København", "DK"),
    ("naestved", "Næstved", "DK"),
    ("aarhus", "Aarhus", "DK"),
    ("odense", "Odense", "DK"),
    ("koge", "Køge", "DK"),
    ("gdansk", "Gdańsk", "PL"),
    ("gdynia", "Gdynia", "PL"),
    ("szczecin", "Szczecin", "PL"),
    ("elblag", "Elbląg", "PL"),
    ("kolobrzeg", "Kołobrzeg", "PL"),
    ("slupsk", "Słupsk", "PL"),
    ("olsztyn", "Olsztyn", "PL"),
    ("swinoujscie", "Świnoujście", "PL"),
    ("rostock", "Rostock", "DE"),
    ("greifswald", "Greifswald", "DE"),
    ("stralsund", "Stralsund", "DE"),
    ("lubeck", "Lübeck", "DE"),
    ("kiel", "Kiel", "DE"),
    ("wismar", "Wismar", "DE"),
    ("klaipeda", "Klaipėda", "LT"),
    ("kaunas", "Kaunas", "LT"),
    ("vilnius", "Vilnius", "LT"),
    ("siauliai", "Šiauliai", "LT"),
    ("palanga", "Palanga", "LT"),
    ("panevezys", "Panevėžys", "LT"),
    ("neringa", "Neringa", "LT"),
]

TYPES = {
    "training": [
        "Utbildning i projektutveckling",
        "Grundkurs i EU-ansökningar",
        "Utbildning i budget och rapportering",
    ],
    "conference": [
        "Internationell konferens om hållbar turism",
        "Årskonferens för partnerskapet",
        "Konferens om grön omställning",
    ],
    "workshop": [
        "Workshop om gränsöverskridande samarbete",
        "Idéverkstad för nya projekt",
        "Workshop om kommunikation",
    ],
    "meeting": ["Styrgruppsmöte", "Partnermöte", "Avstämning med arbetsgrupp"],
    "study-trip": ["Studieresa", "Studiebesök hos partnerkommunen", "Studieresa för landsbygdssamordnare"],
}
ENGLISH = {"Styrgruppsmöte": "Steering group meeting", "Partnermöte": "Partner meeting", "Studieresa": "Study trip"}

SENTENCES = [
    "Under dagen diskuterar deltagarna hur mindre kommuner kan använda EU:s program för egen utveckling.",
    "Mötet samlar partner från Sverige, Danmark, Polen, Tyskland och Litauen kring gemensamma utmaningar.",
    "Vi går igenom erfarenheter från tidigare projekt och hur resultaten kan spridas vidare i regionen.",
    "Programmet innehåller korta presentationer, gruppövningar och studiebesök hos lokala verksamheter.",
    "Aktiviteten är kostnadsfri för deltagare från projektets partnerorganisationer; resa och logi bokas själv.",
    "Tolkning mellan svenska och engelska finns under hela dagen och materialet delas ut efteråt.",
    "Anmälan görs senast två veckor före aktiviteten via projektets kontaktperson på Region Kalmar län.",
    "Fokus ligger på konkreta verktyg: ansökningsskrivning, budgetering, rapportering och kommunikation.",
    "Deltagarna får möjlighet att träffa kollegor från andra länder och hitta partner till nya ansökningar.",
    "Efter lunch besöker vi ett pågående projekt och hör hur samarbetet över gränsen fungerar i praktiken.",
    "Kvällen avslutas med gemensam middag där nätverkandet fortsätter under mer avslappnade former.",
    "Aktiviteten genomförs med stöd från Interreg Södra Östersjön och Europeiska regionala utvecklingsfonden.",
]


def description(rng: random.Random) -> str:
    """Swedish prose of 200–800 characters, folded into YAML as one paragraph."""
    target = rng.randint(200, 800)
    text = ""
    while len(text) < target:
        text += (" " if text else "") + rng.choice(SENTENCES)
    return text[:target].rsplit(" ", 1)[0].rstrip(",;:") + "."


def event(rng: random.Random, number: int, first: dt.date, span_days: int) -> str:
    kind = rng.choice(list(TYPES))
    title = rng.choice(TYPES[kind])
    day = first + dt.timedelta(days=rng.randrange(span_days))
    place, name, _ = rng.choice(LOCATIONS)
    project = rng.choice(list(PROJECTS))
    lines = [f"  - id: {project}-{day.isoformat()}-{number}"]
    if title in ENGLISH:
        lines += ["    title:", f"      sv: {title} i {name}", f"      en: {ENGLISH[title]} in {name}"]
    else:
        lines.append(f"    title: {title} i {name}")
    lines += [f"    type: {kind}", f"    project: {project}", f"    location: {place}"]
    shape = rng.random()
    if shape < 0.4:  # one whole day
        lines.append(f"    start: {day.isoformat()}")
    elif shape < 0.6:  # several whole days
        lines += [
            f"    start: {day.isoformat()}",
            f"    end: {(day + dt.timedelta(days=rng.randint(1, 4))).isoformat()}",
        ]
    else:  # timed, usually within the day
        hour = rng.randint(8, 15)
        lines += [f"    start: {day.isoformat()} {hour:02}:{rng.choice(('00', '30'))}",
                  f"    end: {min(hour + rng.randint(1, 6), 23):02}:00"]  # fmt: skip
    if rng.random() < 0.05:
        lines.append(f"    status: {rng.choice(('cancelled', 'tentative'))}")
    if rng.random() < 0.9:
        lines += ["    description: >-", f"      {description(rng)}"]
    if rng.random() < 0.3:
        lines.append(f"    url: https://example.org/{project}/{number}")
    return "\n".join(lines)


def generate(count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    first, last = dt.date(2024, 1, 1), dt.date(2029, 12, 31)
    out = [
        "calendar:",
        "  name: Region Kalmar län – internationellt arbete",
        "  description:",
        "    sv: Aktiviteter i Region Kalmar läns internationella projekt",
        "    en: Activities in Region Kalmar County's international projects",
        "  timezone: Europe/Stockholm",
        "  organizer: Region Kalmar län",
        "projects:",
    ]
    for slug, (name, short) in PROJECTS.items():
        out += [f"  {slug}:", f"    name: {name}", f"    short_name: {short}", "    lead: Region Kalmar län"]
    out.append("locations:")
    for slug, name, country in LOCATIONS:
        out += [f"  {slug}:", f"    name: {name}", f"    country: {country}"]
    out.append("events:")
    out += [event(rng, n, first, (last - first).days) for n in range(count)]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        sys.exit("usage: python bench/generate.py N OUT.yaml")
    Path(argv[2]).write_text(generate(int(argv[1])), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
