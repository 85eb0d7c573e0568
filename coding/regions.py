"""ACLED-style world regions from a country: a small subregion table, else the continent."""
from __future__ import annotations

# Countries whose ACLED region is not simply their continent's (ISO2 -> region).
_SUBREGIONS: dict[str, tuple[str, ...]] = {
    "Northern Africa": ("DZ", "EG", "LY", "MA", "SD", "TN", "EH"),
    "Western Africa": ("BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "MR", "NE", "NG", "SN",
                       "SL", "TG", "SH"),
    "Middle Africa": ("CM", "CF", "TD", "CG", "CD", "GQ", "GA", "ST"),
    "Eastern Africa": ("BI", "KM", "DJ", "ER", "ET", "KE", "RW", "SO", "SS", "TZ", "UG", "SC", "MU", "YT",
                       "RE", "IO"),
    "Southern Africa": ("AO", "BW", "SZ", "LS", "MG", "MW", "MZ", "NA", "ZA", "ZM", "ZW"),
    "Middle East": ("AE", "BH", "CY", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY",
                    "TR", "YE"),
    "Caucasus and Central Asia": ("AM", "AZ", "GE", "KZ", "KG", "TJ", "TM", "UZ"),
    "South Asia": ("AF", "BD", "BT", "IN", "LK", "MV", "NP", "PK"),
    "Southeast Asia": ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"),
    "East Asia": ("CN", "HK", "JP", "KP", "KR", "MN", "MO", "TW"),
    "Oceania": ("CX", "CC"),  # Australian islands geonames files under Asia
    "Central America": ("BZ", "CR", "SV", "GT", "HN", "MX", "NI", "PA"),
    "North America": ("US", "CA", "GL", "PM", "BM"),
}
_BY_COUNTRY = {code: region for region, codes in _SUBREGIONS.items() for code in codes}
# Geonames continent codes -> the region of countries not in the table above. Every African
# and Asian country is in the table (Russia is Europe by its geonames continent); the North
# American ones left are the Caribbean islands.
_BY_CONTINENT = {"EU": "Europe", "SA": "South America", "OC": "Oceania", "AN": "Antarctica", "NA": "Caribbean"}


def acled_region(iso2: str, continent: str = "") -> str:
    """The ACLED-style region of a country ("UA" -> "Europe", "NG" -> "Western Africa");
    "" when neither the country nor its continent is known."""
    code = (iso2 or "").upper()
    if code in _BY_COUNTRY:
        return _BY_COUNTRY[code]
    return _BY_CONTINENT.get((continent or "").upper(), "")
