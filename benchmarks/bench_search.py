"""Knowledge base search at the size the city may grow to: 5,000 articles.

Not a test (timings are not asserted): run it on the counter PC and compare with the targets.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_search.py [--articles 5000] [--repeat 15]
        [--dir /folder/on/the/real/disk] [--json]

1. Builds a real store (migrations, demo seed), then replaces its knowledge base with ``--articles`` articles
   generated from the shipped ones (``resources/knowledge/articles.json``) through ``seed_knowledge``: each copy
   keeps the template's words and adds a place, an audience and a season, so the index has realistic words and
   realistic document frequencies.
2. Search: ~50 queries as a cashier types them (whole questions, and the prefixes seen on the way: "garb",
   "garbage d", ...). Each is run ``--repeat`` times through ``QuestionService.search`` (what the screen calls:
   checks, FTS5 ranking, typo fallback, loading the articles) and as a bare ``sqlite3`` query
   ``SELECT article_id FROM kb_fts WHERE kb_fts MATCH ? ORDER BY rank LIMIT 20`` with the same FTS5 expression,
   on the same file. Target: median(service) <= 1.5 x median(bare).
3. Typing: the questions screen of the real window on that store; 30 characters typed into the search field at
   a fast typist's pace (one key every 60 ms) while a 5 ms ``QTimer`` records how late each tick is. The largest
   gap between ticks is the longest the event loop stalled. Target: < 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counter_app.app import build_counter  # noqa: E402
from counter_app.clock import FixedClock  # noqa: E402
from counter_app.config import Settings  # noqa: E402
from counter_app.questions.query import fts_query, words_of  # noqa: E402
from counter_app.resources import resource_path  # noqa: E402
from counter_app.services.container import Counter  # noqa: E402

PLACES = ("north Lethbridge", "south Lethbridge", "west Lethbridge", "downtown", "Copperwood", "Riverstone",
          "Legacy Ridge", "Fairmont", "Indian Battle Heights", "Uplands", "Varsity Village", "Heritage Heights",
          "Lakeview", "Agnes Davidson", "Sunridge", "Park Lake", "Mayor Magrath corridor", "industrial park")
AUDIENCES = ("seniors", "students", "landlords", "tenants", "new residents", "businesses", "families",
             "people with a disability", "farm properties", "condominium boards", "non-profits", "contractors")
SEASONS = ("in winter", "in spring", "in summer", "in the fall", "on a holiday", "after a storm",
           "at the end of the month", "before the due date", "when moving", "during construction")
EXTRA = ("form", "deadline", "receipt", "online", "counter", "phone", "email", "mail", "fee", "refund", "schedule",
         "application", "inspection", "appointment", "document", "identification", "proof", "address", "change",
         "renewal", "cancellation", "transfer", "balance", "statement", "credit", "discount", "rebate", "program")

#: What cashiers type, with the prefixes the search sees on the way (search as you type).
QUERIES = (
    "garb", "garbage", "garbage d", "garbage day", "blue cart", "green cart compost", "recycl", "large item pick",
    "landfill hours", "cart exchange", "dog", "dog lic", "dog licence fee", "cat licence", "lost pet", "bus",
    "bus pass", "bus pass senior", "semester pass", "fare card lost", "access a ride", "tax", "tax due", "tax due date",
    "property tax penalty", "monthly tax plan", "tax certificate", "assessment appeal", "water", "water bill",
    "water bill high", "leak", "moving", "start service", "final meter reading", "utility payment arrangement",
    "power outage", "park", "parking ticket", "parking ticket appeal", "business licence", "building permit",
    "do i need a permit", "inspection booking", "cemetery plot", "city hall hours", "pothole", "snow sidewalk",
    "nsf cheque", "online banking payee",
)


def generate_articles(count: int, seed: int = 5000) -> list[dict[str, Any]]:
    templates = json.loads(resource_path("knowledge", "articles.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        base = templates[n % len(templates)]
        if n < len(templates):
            articles.append(base)
            continue
        place, audience, season = rng.choice(PLACES), rng.choice(AUDIENCES), rng.choice(SEASONS)
        extra = rng.sample(EXTRA, 3)
        steps = list(base["steps"])
        rng.shuffle(steps)
        articles.append({
            **base,
            "id": f"{base['id']}-{n:05d}",
            "title": f"{base['title']} ({audience}, {place})",
            "keywords": [*base["keywords"], audience, place, *extra],
            "answer": f"For {audience} in {place} {season}: {base['answer']} Ask about the {extra[0]} and the "
                      f"{extra[1]}.",
            "steps": [*steps, f"Bring the {extra[2]} if you have it."],
        })
    return articles


def load_articles(counter: Counter, articles: list[dict[str, Any]], folder: Path) -> float:
    from counter_app.store.db import make_engine, session_factories
    from counter_app.store.seed import seed_knowledge

    path = folder / "articles-5000.json"
    path.write_text(json.dumps(articles), encoding="utf-8")
    engine = make_engine(counter.settings.db_path)
    writer, _reader = session_factories(engine)
    started = time.perf_counter()
    with writer() as session:
        seed_knowledge(session, path)
        session.commit()
    engine.dispose()
    return time.perf_counter() - started


def summary(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    return {"median_ms": statistics.median(ms), "p95_ms": ms[max(0, round(len(ms) * 0.95) - 1)],
            "max_ms": ms[-1], "n": len(ms)}


#: The proposed store query (see docs/benchmarks.md): ranked hits and their articles in one statement, no ORM.
JOINED = ("SELECT a.id, a.title, a.topic, a.department, a.keywords, a.answer, a.steps, a.related_services, "
          "a.refer_role, a.what_to_bring, a.source, a.last_reviewed, f.rank FROM kb_fts AS f "
          "JOIN kb_articles AS a ON a.id = f.article_id WHERE kb_fts MATCH :q ORDER BY f.rank LIMIT 20")
#: ... or only what the result list shows; the highlighted article is read on its own.
TITLES = ("SELECT a.id, a.title, a.topic, f.rank FROM kb_fts AS f JOIN kb_articles AS a ON a.id = f.article_id "
          "WHERE kb_fts MATCH :q ORDER BY f.rank LIMIT 20")


def proposed_search(reader: Any, sql: str, text: str) -> int:
    """What ``QuestionService.search`` would cost with one joined Core query (same checks, same FTS expression)."""
    from datetime import date

    from sqlalchemy import text as sql_text

    from counter_app.questions.article import Article
    from counter_app.questions.query import check_search_text

    words = words_of(check_search_text(text))
    if not words:
        return 0
    with reader() as session:
        rows = session.execute(sql_text(sql), {"q": fts_query(words)}).all()
    if sql is JOINED:
        hits = [Article(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], tuple(json.loads(r[6])),
                        tuple(json.loads(r[7])), r[8], r[9], r[10], date.fromisoformat(str(r[11])[:10]))
                for r in rows]
        return len(hits)
    return len(rows)


def bench_search(counter: Counter, repeat: int) -> dict[str, Any]:
    from counter_app.store.db import make_engine, session_factories

    service = counter.questions
    db = sqlite3.connect(str(counter.settings.db_path))
    engine = make_engine(counter.settings.db_path)
    _writer, reader = session_factories(engine)
    service.search("warm up the vocabulary")  # the typo vocabulary is read once per app run
    per_query: dict[str, tuple[float, float, int]] = {}
    times: dict[str, list[float]] = {"service": [], "bare": [], "joined": [], "titles": [], "driver": []}
    for text in QUERIES:
        expression = fts_query(words_of(text))
        s_samples, b_samples = [], []
        hits = 0
        for _ in range(repeat):
            t = time.perf_counter()
            hits = len(service.search(text))
            s_samples.append(time.perf_counter() - t)
            t = time.perf_counter()
            db.execute("SELECT article_id FROM kb_fts WHERE kb_fts MATCH ? ORDER BY rank LIMIT 20",
                       (expression,)).fetchall()
            b_samples.append(time.perf_counter() - t)
            for name, sql in (("joined", JOINED), ("titles", TITLES)):
                t = time.perf_counter()
                proposed_search(reader, sql, text)
                times[name].append(time.perf_counter() - t)
            t = time.perf_counter()
            with engine.connect() as conn:  # a pooled connection, the driver's own cursor: no Session, no ORM
                conn.exec_driver_sql(TITLES.replace(":q", "?"), (expression,)).all()
            times["driver"].append(time.perf_counter() - t)
        times["service"] += s_samples
        times["bare"] += b_samples
        per_query[text] = (statistics.median(s_samples) * 1000, statistics.median(b_samples) * 1000, hits)
    db.close()
    engine.dispose()
    result: dict[str, Any] = {name: summary(samples) for name, samples in times.items()}
    bare = result["bare"]["median_ms"]
    result["ratio_median"] = result["service"]["median_ms"] / bare
    result["ratio_joined"] = result["joined"]["median_ms"] / bare
    result["ratio_titles"] = result["titles"]["median_ms"] / bare
    result["ratio_driver"] = result["driver"]["median_ms"] / bare
    result["per_query"] = per_query
    return result


def bench_typing(counter: Counter, text: str = "garbage pick up day blue carts") -> dict[str, float]:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from counter_app.ui.main_window import MainWindow
    from counter_app.ui.questions_screen import QuestionsScreen
    from counter_app.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_theme(app)
    counter.drawers.open(counter.auth.login("1001", "1111"), {"n20": "10"})
    window = MainWindow(counter.settings, lambda _s: counter)
    window.resize(1366, 768)
    window.show()
    window.start()

    def pump(until: Any, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not until():
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")
            app.processEvents()
            time.sleep(0.002)

    pump(lambda: window.ready)
    for chunk in ("1001", "\r", "1111", "\r"):
        focus = app.focusWidget() or window
        if chunk == "\r":
            QTest.keyClick(focus, Qt.Key.Key_Return)
        else:
            QTest.keyClicks(focus, chunk)
    pump(lambda: window.current == "payment" and not window.runner.busy())
    QTest.keyClick(window, Qt.Key.Key_F6)
    screen = window.screens["questions"]
    assert isinstance(screen, QuestionsScreen)
    pump(lambda: window.current == "questions" and not window.runner.busy())

    clock = QElapsedTimer()
    clock.start()
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
    typed = iter(text[:30])
    keys = QTimer()
    keys.setInterval(60)
    keys.setTimerType(Qt.TimerType.PreciseTimer)
    done = []

    def next_key() -> None:
        ch = next(typed, None)
        if ch is None:
            keys.stop()
            done.append(True)
            return
        QTest.keyClicks(screen.search, ch)

    keys.timeout.connect(next_key)
    timer.start()
    keys.start()
    pump(lambda: bool(done) and screen.vm.settled and not window.runner.busy())
    end = clock.elapsed() + 200
    pump(lambda: clock.elapsed() >= end)  # and a moment after the last results
    timer.stop()
    gaps = sorted(b - a for a, b in itertools.pairwise(ticks))
    window.shutdown()
    window.close()
    return {"typed": len(text[:30]), "ticks": len(ticks), "max_gap_ms": float(gaps[-1]),
            "p99_gap_ms": float(gaps[max(0, round(len(gaps) * 0.99) - 1)]), "median_gap_ms": statistics.median(gaps),
            "results": screen.hits.rowCount()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-typing", action="store_true", help="skip the event-loop measurement")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-search-", dir=args.dir))
    clock = FixedClock(datetime(2026, 11, 25, 10, 0))
    counter = build_counter(Settings(data_dir=folder, workstation="CH1-02", demo=True), clock=clock)
    articles = generate_articles(args.articles)
    seeded = load_articles(counter, articles, folder)
    result: dict[str, Any] = {"articles": len(articles), "seed_s": seeded,
                              "search": bench_search(counter, args.repeat)}
    if not args.no_typing:
        result["typing"] = bench_typing(counter)
    counter.close()

    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    search = result["search"]
    print(f"{result['articles']} articles seeded in {seeded:.2f} s; {len(QUERIES)} queries x {args.repeat}")
    print(f"{'':28} {'median':>8} {'p95':>8} {'max':>8}  (ms)")
    labels = {"service": "QuestionService.search", "bare": "bare FTS5 MATCH ... LIMIT 20",
              "joined": "proposed: one joined query", "titles": "proposed: titles only",
              "driver": "proposed: titles, Core conn"}
    for name, label in labels.items():
        s = search[name]
        print(f"{label:28} {s['median_ms']:8.2f} {s['p95_ms']:8.2f} {s['max_ms']:8.2f}")
    print(f"ratio of medians to bare: service {search['ratio_median']:.2f} (target <= 1.5), proposed joined "
          f"{search['ratio_joined']:.2f}, titles only {search['ratio_titles']:.2f}, titles on a Core connection "
          f"{search['ratio_driver']:.2f}")
    slow = sorted(search["per_query"].items(), key=lambda item: -item[1][0])[:6]
    print("slowest queries (service / bare ms, hits): " + "; ".join(
        f"{q!r} {s:.1f}/{b:.1f} ({n})" for q, (s, b, n) in slow))
    if "typing" in result:
        t = result["typing"]
        print(f"typing {t['typed']} chars, one every 60 ms, QTimer 5 ms: max gap {t['max_gap_ms']:.0f} ms, "
              f"p99 {t['p99_gap_ms']:.0f} ms, median {t['median_gap_ms']:.0f} ms (target max < 50)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
