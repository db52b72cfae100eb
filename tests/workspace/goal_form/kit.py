"""What the goal editor's page tests share besides fixtures: the goal's name, a posted form,
departments by slug, and readers of the rendered controls and the errors next to a field."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from cxmetrics.models import Department

NAME = "NPS >= 45 across all channels by end of quarter"


def departments(*slugs):
    return list(Department.objects.filter(slug__in=slugs))


def posted(**overrides):
    """The form as a lead fills it for NAME (Support and Product, all channels)."""
    data = {
        "name": NAME,
        "description": "Shared by Support and Product.",
        "metric": "nps",
        "baseline": "30",
        "target": "45",
        "stretch": "50",
        "start": "2026-10-01",
        "end": "2026-12-31",
        "min_n": "30",
        "departments": ["support", "product"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class Controls(HTMLParser):
    """The form controls of a page: values of inputs by name, checked boxes, selected options."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.checked: dict[str, list[str]] = {}
        self.labels: list[str] = []
        self._select: str | None = None
        self._label = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.checked.setdefault(a["name"], []).append(a["value"])
        elif tag == "input" and a.get("name"):
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a["value"]
        elif tag == "label":
            self._label = True
            self.labels.append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "label":
            self._label = False

    def handle_data(self, data):
        if self._label:
            self.labels[-1] += data.strip()


def errors_next_to(html: str, field: str) -> list[str]:
    """The error messages inside the block of `field` (its label and control, or fieldset)."""
    blocks = re.split(r'(?=<div class="mb-3 cx-field|<fieldset )', html)
    mine = [
        b
        for b in blocks
        if f'for="id_{field}"' in b.split("</label>")[0] or f'id="id_{field}_fieldset"' in b
    ]
    assert len(mine) == 1, f"no single block for {field}"
    block = mine[0].split("</fieldset>")[0]
    return re.findall(r'class="invalid-feedback d-block"[^>]*>([^<]*)<', block)
