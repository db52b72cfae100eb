"""Incentive figures: who is paid on which shared goal, alignment, plan attainment, the plans' and
components' tables (earned so far or paid, money, why); the payout curve: figures/curves.py."""

from __future__ import annotations

from typing import Any

from dashboards.figures.base import (
    OKABE_ITO,
    SEQUENTIAL,
    Figure,
    apply_layout,
    bar,
    empty_figure,
    fmt,
    grid_figure,
    new_figure,
    scatter,
    shorten,
)
from dashboards.figures.curves import chosen_curve, curve_options, payout_curve_figure


def alignment_figure(alignment: dict[str, Any]) -> Figure:
    """Departments x shared goals: each cell the department's weight on that goal."""
    title = "Who is paid on which shared goal"
    goals = alignment["shared_goals"]
    if not goals:
        return empty_figure("No shared goals (two or more departments) yet.", title=title)
    names = {d["department"]: d["name"] for d in alignment["departments"]}
    rows = alignment["matrix"]
    z, text = [], []
    for row in rows:
        z_row, text_row = [], []
        for goal in goals:
            cell = row["cells"].get(str(goal["goal_id"]), {})
            weight = cell.get("weight_pct")
            z_row.append(weight)
            if weight is not None:
                text_row.append(f"{weight:.0f}%")
            elif cell.get("participant"):
                text_row.append("takes part, unpaid")
            else:
                text_row.append("")
        z.append(z_row)
        text.append(text_row)
    return grid_figure(
        title=title,
        subtitle="Weight of each shared goal in the department's incentive plan (percent of the "
        "plan)",
        height=400,
        colourbar="weight %",
        z=z,
        x=[shorten(g["name"], 32) for g in goals],
        y=[names.get(r["department"], r["department"]) for r in rows],
        text=text,
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        colorscale=SEQUENTIAL,
        zmin=0,
        zmax=100,
    )


def alignment_share_figure(alignment: dict[str, Any]) -> Figure:
    """Per department, the share of incentive weight on shared goals."""
    title = "Alignment share"
    departments = alignment["departments"]
    if not departments:
        return empty_figure("No departments.", title=title)
    fig = new_figure(
        bar(
            x=[d["shared_pct"] for d in departments],
            y=[d["name"] for d in departments],
            orientation="h",
            marker={"color": OKABE_ITO["green"]},
            text=[
                f"{d['shared_pct']:.0f}%" if d["shared_pct"] is not None else "no plan"
                for d in departments
            ],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    apply_layout(
        fig,
        title=title,
        subtitle="Percent of each department's plan weight on shared goals",
        height=400,
        wrap=45,
    )
    fig.update_xaxes(range=[0, 105], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return fig


def attainment_figure(plans: list[dict[str, Any]]) -> Figure:
    """Each plan's attainment so far (earned so far while open, paid in a closed statement)
    and its projected payout, against 100%."""
    title = "Plan attainment and projected payout"
    if not plans:
        return empty_figure("No incentive plans have started by this date.", title=title)
    names = [f"{shorten(p['name'], 40)}" for p in plans]
    fig = new_figure()
    fig.add_trace(
        bar(
            x=[p["earned_pct"] for p in plans],
            y=names,
            orientation="h",
            name="earned so far (paid, once closed)",
            marker={"color": OKABE_ITO["blue"]},
            text=[
                f"{p['earned_pct']:.0f}% {p['word']}"
                + (f" · {p['pending']} pending" if p["pending"] else "")
                for p in plans
            ],
            customdata=[p["word"] for p in plans],
            textposition="auto",
            hovertemplate="%{y}: %{customdata} %{x:.1f}%<extra></extra>",
        )
    )
    fig.add_trace(
        scatter(
            x=[p["projected_pct"] for p in plans],
            y=names,
            mode="markers",
            name="projected",
            marker={
                "symbol": "diamond",
                "size": 13,
                "color": OKABE_ITO["orange"],
                "line": {"width": 1, "color": "#000"},
            },
            hovertemplate="%{y}: projected %{x:.1f}%<extra></extra>",
        )
    )
    fig.add_vline(
        x=100,
        line={"dash": "dot", "color": OKABE_ITO["black"], "width": 1},
        annotation_text="100% = target payout",
        annotation_position="top",
    )
    apply_layout(
        fig,
        title=title,
        wrap=70,
        subtitle="Bars: payout earned so far by paid components (95% lower bound where the plan "
        "gates on confidence; paid once a period is closed); diamond: projected if pending "
        "components paid on their point values",
        height=400,
    )
    fig.update_xaxes(ticksuffix="%", rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    return fig


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _money(plan: dict[str, Any], key: str) -> str:
    return (plan["money"][key] or "–") if plan["money"] else "–"


def plan_rows(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per plan: "Earned so far" while its period is open, "Paid" only from its closed
    statement; money of the target bonus where the plan has one."""
    return [
        {
            "plan": p["name"],
            "department": p["department_name"],
            "period": f"{p['period_start']} – {p['period_end']}",
            "earned": "–" if p["closed"] else _pct(p["earned_pct"]),
            "paid": _pct(p["earned_pct"]) if p["closed"] else "–",
            "projected": _pct(p["projected_pct"]),
            "pending": p["pending"],
            "bonus": _money(p, "bonus"),
            "earned_money": "–" if p["closed"] else _money(p, "earned"),
            "paid_money": _money(p, "earned") if p["closed"] else "–",
            "projected_money": _money(p, "projected"),
        }
        for p in plans
    ]


def component_rows(plans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component of every plan, pending ones first: what it measured, pays and earns
    (with the plan's word, and as money), and why (`payouts.explain`)."""
    rows = []
    for plan in plans:
        for c in plan["components"]:
            metric = c.get("metric", "")
            contribution = c.get("contribution")
            rows.append(
                {
                    "plan": plan["name"],
                    "goal": c.get("goal_name", ""),
                    "weight": c.get("weight"),
                    "measured": fmt(metric, c.get("measured")),
                    "low": fmt(metric, c.get("low")),
                    "n": c.get("n"),
                    "payout": _pct(c.get("payout_pct")),
                    "earns": "pending"
                    if contribution is None
                    else f"{_pct(contribution)} {plan['word']}",
                    "money": c.get("money") or "–",
                    "status": c.get("status", ""),
                    "why": c.get("why", ""),
                }
            )
    return sorted(rows, key=lambda r: r["status"] != "pending")


def incentives_panel(board: dict[str, Any]) -> tuple[Any, ...]:
    """The incentives page's outputs from one selector result: matrix, share, attainment,
    plans rows, components rows, the curve chooser's options and value, the curve."""
    plans = board["plans"]
    return (
        alignment_figure(board["alignment"]),
        alignment_share_figure(board["alignment"]),
        attainment_figure(plans),
        plan_rows(plans),
        component_rows(plans),
        curve_options(board["curves"]),
        board["chosen"],
        payout_curve_figure(chosen_curve(board)),
    )
