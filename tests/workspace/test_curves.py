"""workspace.curves: a payout curve as an inline SVG, pinned on a worked example.

Curve threshold 35 / target 45 / stretch 50 (NPS), payouts 50% / 100% / 150%; measured 40.0,
lower bound 37.0, confidence gate on (paid on the lower bound).

* axis: span = 50 - 35 = 15, so 35 - 7.5 = 27.5 to 50 + 7.5 = 57.5 (inside NPS's -100..100);
* x(v) = 48 + (v - 27.5) / 30 * 452: x(35) = 161, x(45) = 311.7, x(50) = 387, x(40) = 236.3,
  x(37) = 191.1; y(p) = 196 - p / 150 * 162: y(50) = 142, y(100) = 88, y(150) = 34;
* payouts: 40 -> 50 + (40-35)/(45-35) * 50 = 75% (y 115); 37 -> 50 + 2/10 * 50 = 60% (y 131.2).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cxmetrics.incentives import PayoutCurve
from workspace.curves import axis_range, component_svg, curve_svg, percent

SVG = "{http://www.w3.org/2000/svg}"
CURVE = PayoutCurve(threshold=35.0, target=45.0, stretch=50.0)
NPS = (-100.0, 100.0)


def draw(**overrides):
    values = {
        "metric": "nps",
        "bounds": NPS,
        "measured": 40.0,
        "low": 37.0,
        "confidence_gate": True,
        "title": "Payout curve of NPS >= 45",
    }
    values.update(overrides)
    return ET.fromstring(curve_svg(CURVE, **values))


def test_the_axis_runs_half_a_span_beyond_threshold_and_stretch():
    assert axis_range(CURVE, values=(40.0, 37.0), bounds=NPS) == (27.5, 57.5)


def test_the_axis_widens_to_show_a_value_far_below_and_is_clamped_to_the_metric():
    assert axis_range(CURVE, values=(12.0, None), bounds=NPS) == (12.0, 57.5)
    csat = PayoutCurve(threshold=90.0, target=95.0, stretch=100.0)
    assert axis_range(csat, values=(None, None), bounds=(0.0, 100.0)) == (85.0, 100.0)


def test_the_path_goes_through_the_curves_corners():
    svg = draw()
    path = svg.find(f"{SVG}path").get("d")
    assert path == "M48,196 L161,196 L161,142 L311.7,88 L387,34 L500,34"


def test_threshold_target_and_stretch_are_marked_with_their_payouts():
    terms = {g.get("data-term"): g for g in draw().iter(f"{SVG}g") if g.get("data-term")}
    texts = {name: [t.text for t in g.iter(f"{SVG}text")] for name, g in terms.items()}
    assert texts == {
        "threshold": ["threshold 35", "50%"],
        "target": ["target 45", "100%"],
        "stretch": ["stretch 50", "150%"],
    }
    circles = {name: g.find(f"{SVG}circle") for name, g in terms.items()}
    assert [(c.get("cx"), c.get("cy")) for c in circles.values()] == [
        ("161", "142"),
        ("311.7", "88"),
        ("387", "34"),
    ]


def test_you_are_here_at_the_measured_value_and_at_the_lower_bound_paid_on():
    markers = {g.get("data-marker"): g for g in draw().iter(f"{SVG}g") if g.get("data-marker")}
    measured, low = markers["measured"], markers["lower bound"]
    assert (measured.find(f"{SVG}circle").get("cx"), measured.find(f"{SVG}circle").get("cy")) == (
        "236.3",
        "115",
    )
    assert (low.find(f"{SVG}circle").get("cx"), low.find(f"{SVG}circle").get("cy")) == (
        "191.1",
        "131.2",
    )
    assert measured.find(f"{SVG}text").text == "You are here (measured): 40.0 pays 75%"
    assert low.find(f"{SVG}text").text == "You are here (lower bound, paid on): 37.0 pays 60%"


def test_without_the_gate_the_measured_value_is_the_one_paid_on():
    markers = {
        g.get("data-marker"): g.find(f"{SVG}text").text
        for g in draw(confidence_gate=False).iter(f"{SVG}g")
        if g.get("data-marker")
    }
    assert markers == {
        "measured": "You are here (measured, paid on): 40.0 pays 75%",
        "lower bound": "You are here (lower bound): 37.0 pays 60%",
    }


def test_the_svg_is_an_image_whose_title_and_description_state_the_numbers():
    svg = draw()
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "curve-title curve-desc"
    assert svg.find(f"{SVG}title").text == "Payout curve of NPS >= 45"
    assert svg.find(f"{SVG}desc").text == (
        "Pays 0% below threshold 35, 50% at threshold 35, 100% at target 45, 150% at stretch 50,"
        " at most 150%. You are here: measured 40.0 pays 75%."
        " You are here: lower bound (paid on) 37.0 pays 60%."
    )
    text = curve_svg(
        CURVE, metric="nps", bounds=NPS, measured=40.0, low=37.0, confidence_gate=True, title="t"
    )
    assert "style" not in text  # the Content-Security-Policy refuses style attributes


def test_not_measured_yet_draws_no_marker_and_says_so():
    svg = draw(measured=None, low=None)
    assert not [g for g in svg.iter(f"{SVG}g") if g.get("data-marker")]
    assert svg.find(f"{SVG}desc").text.endswith("Not measured yet.")


def test_a_component_dict_is_drawn_with_its_own_ids_and_escaped_name():
    component = {
        "goal_name": "NPS <45> & more",
        "metric": "nps",
        "measured": 40.0,
        "low": 37.0,
        "curve": {
            "threshold": 35.0,
            "target": 45.0,
            "stretch": 50.0,
            "threshold_payout": 50.0,
            "stretch_payout": 150.0,
        },
    }
    text = component_svg(component, bounds=NPS, confidence_gate=True, dom_id="curve-2")
    svg = ET.fromstring(text)
    assert svg.find(f"{SVG}title").get("id") == "curve-2-title"
    assert svg.find(f"{SVG}title").text == "Payout curve of NPS <45> & more"
    assert "&lt;45&gt; &amp; more" in text


@pytest.mark.parametrize(("value", "text"), [(75.0, "75%"), (62.5, "62.5%"), (95.04, "95%")])
def test_percent(value, text):
    assert percent(value) == text
