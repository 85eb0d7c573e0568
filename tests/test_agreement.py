"""Agreement between coders: alpha as the `krippendorff` package gives it, event matching with
extra, missing and swapped events, existence figures and the report's JSON shape."""
from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from coding.agreement import compare_coders, f1, field_levels, score_field
from coding.codebook import default_codebook, load_codebook, CODEBOOK_DIR
from coding.matching import CodedEvent, match_article, match_keys

NAN = math.nan


def _package(a: list, b: list, level: str) -> float:
    return float(krippendorff.alpha(reliability_data=np.array([a, b], dtype=float), level_of_measurement=level))


@pytest.mark.parametrize("level,a,b", [
    ("nominal", [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, 3, 1],
                [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3]),
    ("ordinal", [1, 1, 2, 3, 3, 2, 1, 2, 3, 1, NAN],
                [1, 2, 2, 3, 2, 2, 1, 3, 3, 1, 2]),
    ("ratio", [0, 4, 12, 3, 0, 25, 7, NAN, 2, 40],
              [0, 5, 12, 3, 1, 20, 7, 3, 2, NAN]),
    ("interval", [738000, 738001, 738010, 738020, 738020],
                 [738000, 738002, 738010, 738021, 738020]),
])
def test_alpha_is_the_packages_on_hand_built_data(level: str, a: list, b: list) -> None:
    def value(x: float):  # our side takes None for a missing value
        return None if math.isnan(x) else x

    score = score_field(zip(map(value, a), map(value, b)), level)
    assert score.alpha == pytest.approx(_package(a, b, level), abs=1e-12)
    both = [(x, y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    assert score.n == len(both)
    assert score.missing == sum(math.isnan(x) != math.isnan(y) for x, y in zip(a, b))
    assert score.agreement == pytest.approx(sum(x == y for x, y in both) / len(both))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "ratio", "interval"])
def test_large_domains_take_the_pairwise_path_with_the_same_alpha(level: str, monkeypatch) -> None:
    """Above the package's dense-array budget the coincidences are summed pair by pair; the
    alpha is the package's to the last digit (checked here with the budget set to zero)."""
    rng = np.random.default_rng(5)
    a = rng.integers(0, 60, 400).astype(float)
    b = np.where(rng.random(400) < 0.3, rng.integers(0, 60, 400), a).astype(float)
    a[rng.random(400) < 0.05] = NAN
    expected = _package(list(a), list(b), level)
    import coding.agreement as agreement

    monkeypatch.setattr(agreement, "MAX_DENSE_CELLS", 0)
    pairs = [(None if math.isnan(x) else x, None if math.isnan(y) else y) for x, y in zip(a, b)]
    assert score_field(pairs, level).alpha == pytest.approx(expected, abs=1e-12)


def test_many_distinct_names_still_get_an_alpha(monkeypatch) -> None:
    import coding.agreement as agreement

    names = [f"Village {i}" for i in range(600)]
    pairs = [(n, n if i % 10 else names[(i + 1) % 600]) for i, n in enumerate(names)] * 3
    score = score_field(pairs, "nominal")
    assert score.n == 1800 and score.agreement == pytest.approx(0.9) and score.alpha == pytest.approx(0.9, abs=0.01)
    # Past the memory bound: no alpha, a note saying why, the other figures still there.
    monkeypatch.setattr(agreement, "MAX_VALUES", 500)
    bounded = score_field(pairs, "nominal")
    assert bounded.alpha is None and "600 distinct values" in bounded.note and bounded.agreement == pytest.approx(0.9)


def test_nominal_alpha_on_names_with_case_and_spacing_folded() -> None:
    a = ["Goma", "Kherson", "Sumy", "Goma", None, "Bunia"]
    b = ["goma", "Kherson ", "Kharkiv", "Goma", "Sumy", "Bunia"]
    codes = {"goma": 0, "kherson": 1, "sumy": 2, "kharkiv": 3, "bunia": 4}
    pa = [codes[x.strip().lower()] if x else NAN for x in a]
    pb = [codes[x.strip().lower()] if x else NAN for x in b]
    assert score_field(zip(a, b), "nominal").alpha == pytest.approx(_package(pa, pb, "nominal"))


def test_alpha_is_undefined_without_variation_or_pairs() -> None:
    same = score_field([("Protests", "Protests")] * 3, "nominal")
    assert same.alpha is None and same.n == 3 and same.agreement == 1.0 and "undefined" in same.note
    none = score_field([(None, 3), (None, None)], "ratio")
    assert none.alpha is None and none.n == 0 and none.missing == 1


def test_levels_come_from_the_codebook_field_types() -> None:
    levels = field_levels(default_codebook())
    assert levels["event_type"] == levels["sub_event_type"] == levels["inter1"] == "nominal"
    assert levels["actor1"] == levels["location"] == levels["admin1"] == levels["assoc_actor_1"] == "nominal"
    assert levels["time_precision"] == levels["geo_precision"] == "ordinal"
    assert levels["fatalities"] == "ratio"
    assert "event_date" not in levels  # pairs are within a day by construction
    for left_out in ("notes", "source", "latitude", "year", "interaction", "disorder_type", "event_id_cnty"):
        assert left_out not in levels
    protest = field_levels(load_codebook(CODEBOOK_DIR / "protest.json"))
    assert protest["date_precision"] == "ordinal" and protest["participants"] == "ratio"
    assert protest["city"] == protest["organizer"] == "nominal"


def _ev(uid: str, coder: str, article: int = 1, **values) -> CodedEvent:
    base = {"event_date": "2024-08-16", "location": "Goma", "event_type": "Battles", "actor1": "M23"}
    base.update(values)
    return CodedEvent(uid, article, coder, base)


KEYS = match_keys(default_codebook())


def test_matching_pairs_swapped_events_by_type_and_actors() -> None:
    a = [_ev("a1", "ana", event_type="Protests", actor1="Protesters"), _ev("a2", "ana", event_type="Battles")]
    # Ben coded the same two events in the other order.
    b = [_ev("b1", "ben", event_type="Battles"), _ev("b2", "ben", event_type="Protests", actor1="Protesters")]
    assert sorted(match_article(a, b, KEYS)) == [(0, 1), (1, 0)]


def test_matching_with_extra_and_missing_events() -> None:
    a = [_ev("a1", "ana"), _ev("a2", "ana", location="Bunia"), _ev("a3", "ana", event_date="2024-08-20")]
    b = [_ev("b1", "ben", event_date="2024-08-17"),            # a day off: same event
         _ev("b2", "ben", location="Sake"),                      # another place: only ben's
         ]
    assert match_article(a, b, KEYS) == [(0, 0)]
    # Dates two days apart never match.
    assert match_article([_ev("a", "ana")], [_ev("b", "ben", event_date="2024-08-18")], KEYS) == []


def test_matching_places_by_admin1_when_a_location_is_empty() -> None:
    a = [_ev("a", "ana", location=None, admin1="North Kivu")]
    assert match_article(a, [_ev("b", "ben", location="Goma", admin1="North Kivu")], KEYS) == [(0, 0)]
    assert match_article(a, [_ev("b", "ben", location="Goma", admin1="South Kivu")], KEYS) == []
    assert match_article(a, [_ev("b", "ben", location="", admin1="")], KEYS) == []


def test_matching_makes_as_many_pairs_as_possible_before_preferring_alike_ones() -> None:
    # a1 fits b1 best, but a2 can only pair with b1: two pairs beat one better one.
    a = [_ev("a1", "ana", event_type="Riots", event_date="2024-08-17"), _ev("a2", "ana", event_date="2024-08-15")]
    b = [_ev("b1", "ben", event_type="Riots", event_date="2024-08-16"), _ev("b2", "ben", event_type="Protests",
                                                                           event_date="2024-08-18")]
    assert sorted(match_article(a, b, KEYS)) == [(0, 1), (1, 0)]


def test_compare_coders_existence_fields_and_json_shape() -> None:
    events = [
        _ev("a1", "ana", 1, fatalities=4, time_precision=1), _ev("b1", "ben", 1, fatalities=5, time_precision=1),
        _ev("a2", "ana", 2, fatalities=0, time_precision=2), _ev("b2", "ben", 2, fatalities=0, time_precision=1),
        _ev("a3", "ana", 2, location="Sake"),                     # only ana
        _ev("c1", "cem", 3),                                      # cem's article, single-coded
    ]
    # Article 4: both assigned, only ben found an event there.
    events.append(_ev("b4", "ben", 4))
    report = compare_coders(events, default_codebook(), assigned={4: ["ana", "ben"], 3: ["cem"]})
    out = report.to_json()
    assert out["coders"] == ["ana", "ben", "cem"] and out["articles"] == 3
    assert out["events"] == {"matched": 2, "only": {"ana": 1, "ben": 1, "cem": 0}, "f1": pytest.approx(4 / 6)}
    assert f1(2, 2) == pytest.approx(4 / 6)
    (pair,) = out["pairs"]
    assert pair["coders"] == ["ana", "ben"] and pair["events"]["only"] == {"ana": 1, "ben": 1}
    assert {m["ana"]: m["ben"] for m in pair["matches"]} == {"a1": "b1", "a2": "b2"}
    fat = out["fields"]["fatalities"]
    assert fat["level"] == "ratio" and fat["n"] == 2
    assert fat["alpha"] == pytest.approx(_package([4, 0], [5, 0], "ratio"))
    assert out["fields"]["time_precision"]["alpha"] == pytest.approx(_package([1, 2], [1, 1], "ordinal"))
    # Restricted to some coders.
    only = compare_coders(events, default_codebook(), coders=["ana", "cem"]).to_json()
    assert only["pairs"] == [] and only["events"]["matched"] == 0 and only["events"]["f1"] is None
