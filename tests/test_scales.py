"""Tests for coursekit.models.scales (PCL-5 scoring and CAPS-5 severity bands).

Expected values are worked out by hand from the item lists written in each test.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.models import scales
from coursekit.models.scales import (
    EXAMPLE_RESPONDENTS,
    PCL5_CLUSTERS,
    caps5_band,
    score_pcl5,
)

# Minimal pattern for the cluster rule: items 1 (B), 6 (C), 8, 9 (D), 15, 16 (E) at 2.
MINIMAL = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]


def test_cluster_mapping() -> None:
    assert PCL5_CLUSTERS == {
        "B": (1, 2, 3, 4, 5),
        "C": (6, 7),
        "D": (8, 9, 10, 11, 12, 13, 14),
        "E": (15, 16, 17, 18, 19, 20),
    }


def test_all_zero_and_all_four() -> None:
    low = score_pcl5([0] * 20)
    assert (low.total, low.provisional_diagnosis, low.above_cutpoint) == (0, False, False)
    assert low.endorsed == {"B": 0, "C": 0, "D": 0, "E": 0}
    high = score_pcl5([4] * 20)
    assert high.total == 80
    assert high.clusters == {"B": 20, "C": 8, "D": 28, "E": 24}  # cluster maxima
    assert high.endorsed == {"B": 5, "C": 2, "D": 7, "E": 6}
    assert high.provisional_diagnosis and high.above_cutpoint


def test_hand_scored_pattern() -> None:
    items = [1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0]
    result = score_pcl5(items)
    # B: 1+2+3+4+0 = 10; C: 1+2 = 3; D: 3+4+0+1+2+3+4 = 17; E: 0+1+2+3+4+0 = 10.
    assert result.clusters == {"B": 10, "C": 3, "D": 17, "E": 10}
    assert result.total == 40
    # Endorsed (>= 2): B items 2,3,4 -> 3; C item 7 -> 1; D 8,9,12,13,14 -> 5; E 17,18,19 -> 3.
    assert result.endorsed == {"B": 3, "C": 1, "D": 5, "E": 3}
    assert result.provisional_diagnosis and result.above_cutpoint


def test_minimal_cluster_rule() -> None:
    result = score_pcl5(MINIMAL)
    assert result.total == 12
    assert result.provisional_diagnosis
    assert not result.above_cutpoint


@pytest.mark.parametrize("item", [1, 6, 8, 9, 15, 16])
def test_lowering_any_required_item_breaks_the_rule(item: int) -> None:
    items = list(MINIMAL)
    items[item - 1] = 1  # 1 = "a little bit": not endorsed
    assert not score_pcl5(items).provisional_diagnosis


def test_cutpoint_is_at_or_above() -> None:
    items = [2] * 16 + [1] * 1 + [0] * 3  # 32 + 1 = 33
    assert score_pcl5(items).total == 33
    assert score_pcl5(items).above_cutpoint
    assert not score_pcl5(items, cutpoint=34).above_cutpoint
    items[16] = 0  # total 32
    assert not score_pcl5(items).above_cutpoint
    assert score_pcl5(items, cutpoint=31).above_cutpoint
    assert score_pcl5(items, cutpoint=31).cutpoint == 31


def test_default_cutpoint_and_documented_range() -> None:
    assert score_pcl5([0] * 20).cutpoint == 33
    assert scales.PCL5_CUTPOINT_RANGE == (31, 33)
    assert "31–33" in score_pcl5.__doc__


def test_numpy_integers_and_tuples_accepted() -> None:
    assert score_pcl5(np.array([1] * 20)).total == 20
    assert score_pcl5(tuple([1] * 20)).total == 20


def test_str_is_readable() -> None:
    text = str(score_pcl5(MINIMAL))
    assert "12/80" in text and "rule met" in text and "below cut-point 33" in text


# --- Example respondents -------------------------------------------------------------------

# (total, B, C, D, E subtotals, endorsed counts, diagnosis) worked out by hand.
HAND = {
    "resp-a": (51, (13, 6, 17, 15), (5, 2, 7, 6), True),
    "resp-b": (9, (2, 1, 3, 3), (0, 0, 0, 0), False),
    "resp-c": (40, (17, 2, 13, 8), (5, 0, 4, 2), False),
    "resp-d": (16, (3, 3, 5, 5), (1, 1, 2, 2), True),
    "resp-e": (26, (6, 3, 9, 8), (1, 1, 2, 2), True),
    "resp-f": (25, (6, 3, 8, 8), (1, 1, 1, 2), False),
    "resp-g": (32, (9, 3, 10, 10), (3, 1, 3, 4), True),
}


def test_example_respondents_match_hand_scores() -> None:
    assert {r.id for r in EXAMPLE_RESPONDENTS} == set(HAND)
    for r in EXAMPLE_RESPONDENTS:
        total, subtotals, endorsed, dx = HAND[r.id]
        result = score_pcl5(r.items)
        assert result.total == total, r.id
        assert tuple(result.clusters.values()) == subtotals, r.id
        assert tuple(result.endorsed.values()) == endorsed, r.id
        assert result.provisional_diagnosis is dx, r.id


def test_example_respondents_cover_the_teaching_cases() -> None:
    results = [score_pcl5(r.items) for r in EXAMPLE_RESPONDENTS]
    assert len(results) >= 6
    assert any(x.above_cutpoint and not x.provisional_diagnosis for x in results)
    assert any(not x.above_cutpoint and x.provisional_diagnosis for x in results)
    assert any(x.above_cutpoint and x.provisional_diagnosis for x in results)
    assert any(not x.above_cutpoint and not x.provisional_diagnosis for x in results)
    assert any(31 <= x.total < 33 for x in results)
    edge = next(r for r in EXAMPLE_RESPONDENTS if r.id == "resp-e")
    for cluster, need in {"B": 1, "C": 1, "D": 2, "E": 2}.items():
        ratings = [edge.items[i - 1] for i in PCL5_CLUSTERS[cluster]]
        assert ratings.count(2) == need and max(ratings) == 2


def test_example_respondents_are_labelled_fictional() -> None:
    for r in EXAMPLE_RESPONDENTS:
        assert r.label.startswith("Respondent ") and "fictional" in r.label
        assert r.teaching_point


def test_respondent_validates_items() -> None:
    with pytest.raises(ValueError, match="item 3"):
        scales.Respondent("x", "Respondent X (fictional)", (0, 0, 9) + (0,) * 17)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"id": float("nan")}, "id"),  # NaN used to be accepted as an id
        ({"id": None}, "id"),
        ({"id": "  "}, "id"),
        ({"id": 3}, "id"),
        ({"label": ""}, "label"),
        ({"label": None}, "label"),
        ({"teaching_point": None}, "teaching_point"),
        ({"items": "0" * 20}, "items"),
    ],
)
def test_respondent_rejects_bad_fields(kwargs: dict, name: str) -> None:
    fields = {"id": "x", "label": "Respondent X (fictional)", "items": (0,) * 20, **kwargs}
    with pytest.raises(ValueError, match=name):
        scales.Respondent(**fields)


def test_respondent_stores_items_as_a_tuple_of_ints() -> None:
    person = scales.Respondent("x", "Respondent X (fictional)", np.array([1] * 20))
    assert person.items == (1,) * 20 and all(type(v) is int for v in person.items)
    assert hash(person)  # frozen and hashable, even when built from a list or array


# --- CAPS-5 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "asymptomatic"),
        (10, "asymptomatic"),
        (11, "mild"),
        (22, "mild"),
        (23, "moderate"),
        (34, "moderate"),
        (35, "severe"),
        (46, "severe"),
        (47, "extreme"),
        (80, "extreme"),
    ],
)
def test_caps5_band_boundaries(total: int, band: str) -> None:
    assert caps5_band(total) == band


def test_caps5_band_docstring_flags_confidence() -> None:
    assert "confidence M" in caps5_band.__doc__


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([0] * 19, "exactly 20"),
        ([0] * 21, "exactly 20"),
        ([], "exactly 20"),
        ([0] * 6 + [5] + [0] * 13, "items: item 7 must be an integer from 0 to 4, got 5"),
        ([0] * 2 + [2.5] + [0] * 17, "items: item 3 must be an integer from 0 to 4, got 2.5"),
        ([2.0] + [0] * 19, "items: item 1 must be an integer"),
        ([0] * 19 + [None], "items: item 20 must be an integer from 0 to 4, got None"),
        ([True] + [0] * 19, "items: item 1 must be an integer"),
        ([0, -1] + [0] * 18, "items: item 2 must be an integer from 0 to 4, got -1"),
        ([0] * 4 + ["3"] + [0] * 15, "items: item 5 must be an integer"),
        ("0" * 20, "sequence"),
        ({i: 0 for i in range(20)}, "sequence"),
        (None, "sequence"),
        (7, "sequence"),
    ],
)
def test_bad_items_rejected(items: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        score_pcl5(items)


@pytest.mark.parametrize("cut", [-1, 81, 33.5, True, "33", None])
def test_bad_cutpoint_rejected(cut: object) -> None:
    with pytest.raises(ValueError, match="cutpoint"):
        score_pcl5([0] * 20, cutpoint=cut)


@pytest.mark.parametrize("total", [-1, 81, 10.0, True, None, "12"])
def test_bad_caps5_total_rejected(total: object) -> None:
    with pytest.raises(ValueError, match="total"):
        caps5_band(total)
