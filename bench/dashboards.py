"""Dashboards bench: every page fully rendered in headless Chromium, filter changes, and a bare
Dash page with one graph as the yardstick, all served by gunicorn in the same run.

    python -m bench dashboards --scale=small      # 20,000 responses
    python -m bench dashboards --scale=full       # 10,000,000 responses (issue #6's figure)
    python -m bench dashboards --database-url=postgres://postgres@127.0.0.1:5432/cx_other

Targets (issue #6, 10M responses on PostgreSQL): page median <= 2 s, filter change median
<= 300 ms, page median <= 1.5x the bare Dash page's median. Without --database-url the
database `cx_dash_bench_<scale>` on the local PostgreSQL is reused when it holds exactly the
scale's responses, else (or with --rebuild) built: migrated, demo organisation, responses from
the pipeline bench's in-database generator (`bench.pipeline.fill`), rollups, demo goals and
plans (10M: about 10 minutes).
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"small": 20_000, "full": 10_000_000}
RUNS = {"small": 3, "full": 7}
# path, graphs drawn when the page is complete, filter to change (control name, new value)
PAGES = [
    ("", 2, ("metric", "csat")),
    ("channels", 3, ("metric", "csat")),
    ("automation", 2, ("metric", "csat")),
    ("goals", 2, ("department", ["support"])),
    ("incentives", 3, ("department", ["support"])),
    ("voice", 1, ("metric", "csat")),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Counts the page's fetches (Dash callbacks), installed before any page script runs.
COUNT_FETCHES_JS = """
window.__cx = {issued: 0, pending: 0, lastAnswer: 0};
const cxFetch = window.fetch;
window.fetch = function (...args) {
  window.__cx.issued += 1; window.__cx.pending += 1;
  return cxFetch.apply(this, args).finally(() => {
    window.__cx.pending -= 1; window.__cx.lastAnswer = performance.now();
  });
};
"""
# Complete: the expected graphs are drawn and no Dash callback is pending. Returns the time
# since navigation started (ms), so page times exclude the test driver's own overhead.
DONE_JS = """(expected) => {
  const plots = document.querySelectorAll('.js-plotly-plot');
  if (plots.length < expected) return false;
  for (const p of plots) { if (!p.querySelector('.main-svg')) return false; }
  if (document.querySelectorAll('[data-dash-is-loading="true"]').length) return false;
  if (window.__cx && window.__cx.pending) return false;
  return performance.now();
}"""
# Change one filter as a user's selection would (Dash's set_props), then resolve with
# [answered, drawn] in ms: the last callback answer, and every graph drawn again.
CHANGE_JS = """([id, value, expected, done]) => new Promise((resolve, reject) => {
  const isDone = eval(done);
  const before = window.__cx.issued;
  const t0 = performance.now();
  dash_clientside.set_props(id, {value: value});
  const poll = () => {
    if (performance.now() - t0 > 30000) return reject(new Error('no answer'));
    if (window.__cx.issued > before && !window.__cx.pending && isDone(expected)) {
      return resolve([window.__cx.lastAnswer - t0, performance.now() - t0]);
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})"""
BARE_APP = """
import dash
from dash import dcc, html
import plotly.graph_objects as go

app = dash.Dash(__name__, requests_pathname_prefix="/bare/", routes_pathname_prefix="/bare/",
                use_async=False)
app.layout = html.Div([dcc.Graph(id="g", figure=go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2])))])
application = app.server
# Like dashboards.app.get_app: render the index once so every worker serves the scripts.
application.test_client().get("/bare/")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def _build_database(scale: str, env: dict[str, str]) -> None:
    """A fresh database: demo organisation, generated responses, rollups, demo goals, plans."""
    count = SIZES[scale]
    print(f"building a {scale} database ({count:,} generated responses)…", flush=True)
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput")
    _manage(env, "loaddata", "fixtures/demo_org.json")
    subprocess.run(
        [sys.executable, "-c", f"from bench.pipeline import fill; fill({count})"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    _manage(env, "seed_demo_goals")
    print(f"built in {time.perf_counter() - started:,.0f} s", flush=True)


def _count_responses(env: dict[str, str]) -> int | None:
    """Responses in the database, or None when it has no schema yet."""
    code = "from cxmetrics.models import Response; print(Response.objects.count())"
    try:
        return int(_manage(env, "shell", "-v", "0", "-c", code).strip())
    except subprocess.CalledProcessError:
        return None


def _bench_user(env: dict[str, str]) -> tuple[str, str]:
    password = secrets.token_urlsafe(12)
    code = (
        "from django.contrib.auth.models import Group, User\n"
        "u, _ = User.objects.get_or_create(username='bench-executive')\n"
        f"u.set_password({password!r}); u.save()\n"
        "u.groups.add(Group.objects.get_or_create(name='executive')[0])\n"
    )
    _manage(env, "shell", "-v", "0", "-c", code)
    return "bench-executive", password


def _gunicorn(env: dict[str, str], app: str, port: int, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn {app} did not start")


def _load(page, url: str, graphs: int) -> float:
    """Open `url`; seconds from navigation start until every graph is drawn."""
    page.goto(url, wait_until="commit")
    return page.wait_for_function(DONE_JS, arg=graphs, timeout=60_000).json_value() / 1000


def _measure(base: str, bare: str, user: tuple[str, str], runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        context.add_init_script(COUNT_FETCHES_JS)
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", user[0])
        page.fill("input[name=password]", user[1])
        page.click("button[type=submit]")
        page.wait_for_url("**/dashboards/**", timeout=60_000)  # home sends readers there
        # Warm up: both apps built and their scripts in the browser cache, as on a second visit.
        for url, graphs in ((f"{bare}/bare/", 1), (f"{base}/dashboards/", 2)):
            try:
                _load(page, url, graphs)
            except Exception:
                page.screenshot(path=str(Path(tempfile.gettempdir()) / "cxdash-bench-fail.png"))
                print(f"warm-up of {url} failed at {page.url}", file=sys.stderr)
                raise
        for _ in range(runs):
            for label, url, graphs in [("bare Dash page (1 graph)", f"{bare}/bare/", 1)] + [
                (f"/dashboards/{path}", f"{base}/dashboards/{path}", n) for path, n, _ in PAGES
            ]:
                times.setdefault(label, []).append(_load(page, url, graphs))
        for path, graphs, (control, value) in PAGES:
            key = path or "overview"
            for _ in range(runs):
                _load(page, f"{base}/dashboards/{path}", graphs)  # the same start each run
                page.wait_for_timeout(200)
                answered, drawn = page.evaluate(
                    CHANGE_JS,
                    [{"type": "filter", "page": key, "name": control}, value, graphs, DONE_JS],
                )
                times.setdefault(f"filter change answered: {key}", []).append(answered / 1000)
                times.setdefault(f"filter change drawn: {key}", []).append(drawn / 1000)
        browser.close()
    return times


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench dashboards")
    parser.add_argument("--scale", choices=sorted(SIZES), default="full")
    parser.add_argument("--database-url", default="", help="an existing database to read")
    parser.add_argument("--rebuild", action="store_true", help="rebuild cx_dash_bench_<scale>")
    args = parser.parse_args(argv)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cxmetrics.settings"}
    env.pop("CELERY_BROKER_URL", None)  # eager: seeding refreshes rollups in-process
    workdir = Path(tempfile.mkdtemp(prefix="cxdash-bench-"))
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        database = args.database_url.rsplit("@", 1)[-1]
    elif _postgres_up():
        name = f"cx_dash_bench_{args.scale}"
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        database = f"PostgreSQL {name}"
        pg = ["-h", "127.0.0.1", "-U", "postgres", name]
        existed = subprocess.run(["createdb", *pg], capture_output=True).returncode != 0
        if not existed or args.rebuild or _count_responses(env) != SIZES[args.scale]:
            if existed:  # start again from an empty database
                subprocess.run(["dropdb", *pg], check=True)
                subprocess.run(["createdb", *pg], check=True)
            _build_database(args.scale, env)
        else:  # reused: bring its schema (indexes included) up to this code's migrations
            _manage(env, "migrate", "--noinput")
    else:
        # The generator is PostgreSQL SQL (generate_series); so are the browser tests.
        raise SystemExit("PostgreSQL on 127.0.0.1:5432 is needed, or pass --database-url")
    user = _bench_user(env)
    responses = _count_responses(env) or 0

    (workdir / "bare_dash.py").write_text(BARE_APP)
    port, bare_port = _free_port(), _free_port()
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    bare_env = {**env, "PYTHONPATH": str(workdir)}
    servers = [
        _gunicorn(env, "cxmetrics.wsgi", port, ROOT),
        _gunicorn(bare_env, "bare_dash:application", bare_port, workdir),
    ]
    try:
        times = _measure(
            f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}", user, RUNS[args.scale]
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    bare = statistics.median(times["bare Dash page (1 graph)"])
    print(
        f"\ndatabase: {database}, {int(responses):,} responses; gunicorn 2 workers x 4 threads;"
        f" headless Chromium 1920x1080, warm cache; medians of {RUNS[args.scale]} runs"
    )
    print(f"{'what':<34}{'median s':>10}{'max s':>9}{'target':>12}{'x bare':>8}  ok")
    for label, values in times.items():
        median = statistics.median(values)
        if label.startswith("filter change answered"):
            target, ratio, ok = "<= 0.300", "", median <= 0.3
        elif label.startswith("filter change drawn"):
            target, ratio, ok = "(info)", "", True
        elif label.startswith("bare"):
            target, ratio, ok = "", "1.00", True
        else:
            target, ratio = "<= 2.000", f"{median / bare:.2f}"
            ok = median <= 2.0 and median <= 1.5 * bare
        print(
            f"{label:<34}{median:>10.3f}{max(values):>9.3f}{target:>12}{ratio:>8}  "
            f"{'yes' if ok else 'NO'}"
        )
