"""How well and how fast ``skillwiki match`` answers briefs.

    python benchmarks/bench_match.py [--briefs FILE] [--compare] [--quick] [--python PY] [--data DIR]

Quality: the labelled briefs (``tests/data/briefs/briefs.jsonl``, or ``--briefs``:
one JSON object a line, ``{"brief", "domain", "atoms": [1-3 ids]}``) over the three
domains with real content (the example plugin and ``tests/data/domains/*``):
routing accuracy@1 (the expected domain first), hit@3 (an expected atom in the top
3) and MRR@5. ``--compare`` measures the candidate methods side by side (ours with
its light stemmer, with the Snowball stemmer, without bodies; SQLite FTS5's bm25()
with its porter tokenizer; bm25s with PyStemmer), each where it is importable.

Speed: ``skillwiki match`` as a whole process (warm cache) over the three domains
installed as real distributions, and over 100 generated domains of 100 atoms each
(10,000); an in-process query after the first; the memory of the index of 100,000
atoms (``--quick``: 10,000, scaled). Prints each figure beside its target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from consumer_site import TARGETS, evaluate, load_briefs  # noqa: E402 - shared with the tests


def real_bundles() -> dict[str, Any]:
    from consumer_site import BUNDLES

    from skillwiki_sdk.validation import load_bundle

    return {name: load_bundle(str(path)) for name, path in BUNDLES.items()}


def ours(bundles: dict[str, Any], *, bodies: bool = True) -> Callable[[str], Any]:
    from skillwiki_sdk.match import build_index, match

    index = build_index(bundles, bodies=bodies)

    def ask(brief: str) -> Any:
        result = match(index, brief, top=5)
        return [d.name for d in result.domains], [(a.domain, a.id) for a in result.atoms]

    return ask


def with_snowball(bundles: dict[str, Any]) -> Callable[[str], Any] | None:
    try:
        import snowballstemmer
    except ImportError:
        return None
    import functools

    from skillwiki_sdk import analysis, match

    english = snowballstemmer.stemmer("english")
    stem = functools.lru_cache(maxsize=65536)(lambda word: word if word.isdigit() else english.stemWord(word))
    saved = analysis.stem, match.stem

    def use(stemmer: Any) -> None:
        analysis.stem = match.stem = stemmer
        analysis._term.cache_clear()  # it holds the stems of the stemmer it was filled with

    use(stem)
    try:
        inner = ours(bundles)

        def ask(brief: str) -> Any:
            use(stem)
            try:
                return inner(brief)
            finally:
                use(saved[0])

        return ask
    finally:
        use(saved[0])


def _documents(bundles: dict[str, Any]) -> list[tuple[str, Any, dict[str, str]]]:
    docs = []
    for name, bundle in bundles.items():
        for atom in bundle.atoms:
            docs.append(
                (
                    name,
                    atom.id,
                    {
                        "title": atom.title,
                        "tags": " ".join(atom.tags).replace("-", " "),
                        "summary": atom.summary or "",
                        "body": atom.body,
                    },
                )
            )
    return docs


def fts5(bundles: dict[str, Any]) -> Callable[[str], Any] | None:
    """SQLite FTS5 with bm25() (weights as ours: title 3, tags 2, summary 1.5, body 1),
    the porter tokenizer; the domain of the best atom is the routed one."""
    import re
    import sqlite3

    from skillwiki_sdk.analysis import STOP_WORDS

    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(
            "create virtual table atoms using fts5(domain unindexed, id unindexed, title, tags, summary, body, "
            "tokenize='porter unicode61')"
        )
    except sqlite3.OperationalError:
        return None
    for name, atom_id, fields in _documents(bundles):
        connection.execute(
            "insert into atoms values (?, ?, ?, ?, ?, ?)",
            (name, atom_id, fields["title"], fields["tags"], fields["summary"], fields["body"]),
        )

    def ask(brief: str) -> Any:
        words = [w for w in re.findall(r"[a-z0-9]+", brief.lower()) if w not in STOP_WORDS]
        if not words:
            return [], []
        query = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        rows = connection.execute(
            "select domain, id from atoms where atoms match ? "
            "order by bm25(atoms, 0, 0, 3.0, 2.0, 1.5, 1.0), domain, id limit 5",
            (query,),
        ).fetchall()
        return ([rows[0][0]] if rows else []), [(d, i) for d, i in rows]

    return ask


def bm25s_stemmed(bundles: dict[str, Any]) -> Callable[[str], Any] | None:
    """bm25s over title, tags, summary and body joined, PyStemmer's English stemmer."""
    try:
        import bm25s
        import Stemmer
    except ImportError:
        return None
    docs = _documents(bundles)
    stemmer = Stemmer.Stemmer("english")
    corpus = [" ".join([f["title"]] * 3 + [f["tags"]] * 2 + [f["summary"], f["body"]]) for _, _, f in docs]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)

    def ask(brief: str) -> Any:
        tokens = bm25s.tokenize([brief], stopwords="en", stemmer=stemmer, show_progress=False)
        found, _ = retriever.retrieve(tokens, k=5, show_progress=False)
        atoms = [(docs[i][0], docs[i][1]) for i in found[0]]
        return [atoms[0][0]] if atoms else [], atoms

    return ask


def _text(rng: random.Random, words: Sequence[str], own: list[str], count: int) -> str:
    """``count`` words of an atom: four in five from the shared vocabulary, the others
    the domain's own."""
    return " ".join(rng.choice(words) if rng.random() < 0.8 else rng.choice(own) for _ in range(count))


def synthetic_domains(root: str, domains: int, atoms: int) -> list[str]:
    """``domains`` bundles of ``atoms`` atoms each under ``root`` (written once):
    each domain has 20 words of its own beside the benchmark's shared vocabulary, so
    that briefs can tell them apart."""
    from generate import AXES, KINDS, WORDS, _manifest

    roots = []
    for number in range(domains):
        name = f"synth-{number:03d}"
        bundle = os.path.join(root, name)
        roots.append(bundle)
        if os.path.exists(os.path.join(bundle, ".complete")):
            continue
        shutil.rmtree(bundle, ignore_errors=True)
        rng = random.Random(number)
        own = [f"topic{number}w{k}" for k in range(20)]
        os.makedirs(os.path.join(bundle, "atoms"))
        manifest = _manifest(name).replace("tags: [", "tags: [" + ", ".join(own[:5]) + ", ")
        with open(os.path.join(bundle, "domain.yaml"), "w", encoding="utf-8") as stream:
            stream.write(manifest)
        for index in range(atoms):
            atom_id = f"atom-{index:05d}"
            axes = "\n".join(f"  {axis}: [{', '.join(rng.sample(values, 2))}]" for axis, values in AXES.items())
            with open(os.path.join(bundle, "atoms", atom_id + ".md"), "w", encoding="utf-8") as stream:
                stream.write(
                    f"---\nid: {atom_id}\nkind: {KINDS[index % 3]}\nsummary: {_text(rng, WORDS, own, 25)}.\n"
                    f"tags: [{', '.join(own[k] for k in rng.sample(range(5), 2))}]\n"
                    f"axes:\n{axes}\nquality: {rng.randint(20, 50) / 10}\n---\n\n"
                    f"## What it is\n\n{_text(rng, WORDS, own, 120)}.\n\n"
                    f"## Trade-offs\n\n{_text(rng, WORDS, own, 120)}.\n"
                )
        open(os.path.join(bundle, ".complete"), "w").close()
    return roots


def write_synthetic_site(site: str, roots: list[str]) -> None:
    """The synthetic bundles as installed distributions in ``site`` (a package with
    the hook and the bundle, and its dist-info)."""
    from pathlib import Path

    from plugin_factory import HOOK, write_distribution

    for root in roots:
        name = os.path.basename(root)
        module = "sw_" + name.replace("-", "_")
        if os.path.isdir(os.path.join(site, module)):
            continue
        package = write_distribution(Path(site), f"skillwiki-{name}", "1.0.0", module, code=HOOK)
        shutil.copytree(root, os.path.join(package, "bundle"), ignore=shutil.ignore_patterns(".complete"))


def whole_process(
    python: str, site: str, load: str | None, brief: str, cache: str, rounds: int, *, command: list[str] | None = None
) -> float:
    """Best time of ``skillwiki match BRIEF --format json`` (or of ``command``, the
    arguments after ``skillwiki``) as a process, after one run that warms the cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLWIKI_")}
    env.update(PYTHONPATH=site, SKILLWIKI_CACHE_DIR=cache)
    if load:
        env["SKILLWIKI_LOAD_PLUGINS"] = load
    command = [python, "-m", "skillwiki_sdk", *(command or ["match", brief, "--format", "json"])]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if first.returncode not in (0, 1):
        raise RuntimeError(first.stderr)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, timeout=900, check=False)
        best = min(best, time.perf_counter() - started)
    return best


def index_memory_mb(python: str, path: str) -> tuple[float, float]:
    """What a fresh process gains by loading the index at ``path`` (JSON) into a
    MatchIndex, the JSON text and its parsed form freed again: resident memory (which
    keeps what the allocator does not give back), and the memory the index holds
    (tracemalloc, in a run of its own: tracing costs memory of its own)."""
    figures = []
    for traced in (False, True):
        code = (
            "import gc, json, sys, tracemalloc\n"
            "def rss():\n"
            "    for line in open('/proc/self/status'):\n"
            "        if line.startswith('VmRSS:'): return int(line.split()[1])\n"
            "from skillwiki_sdk.match import MatchIndex\n"
            "before = rss()\n"
            f"if {traced}: tracemalloc.start()\n"
            f"data = json.load(open({path!r}))\n"
            "index = MatchIndex.from_dict(data)\n"
            "del data; gc.collect()\n"
            f"print(tracemalloc.get_traced_memory()[0] / 2**20 if {traced} else (rss() - before) / 1024)\n"
        )
        done = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=1800, env={**os.environ, "PYTHONPATH": ROOT}
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        figures.append(float(done.stdout.strip()))
    return figures[0], figures[1]


def rows_of(name: str, figures: dict[str, float]) -> str:
    return (
        f"{name:<44} {figures['routing@1']:>9.3f} {figures['hit@3']:>6.3f} {figures['mrr@5']:>6.3f} "
        f"{figures['ms']:>8.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", default=os.path.join(ROOT, "tests", "data", "briefs", "briefs.jsonl"))
    parser.add_argument("--compare", action="store_true", help="measure the candidate methods side by side")
    parser.add_argument("--quick", action="store_true", help="the 100,000-atom index scaled from 10,000")
    parser.add_argument(
        "--python", default=sys.executable, help="python with skillwiki-sdk installed, for the whole-process runs"
    )
    parser.add_argument(
        "--data", default=os.path.join(ROOT, ".venv-bench", "data"), help="where generated domains are kept"
    )
    parser.add_argument("--quality-only", action="store_true", help="only the quality figures")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str, bool | None]] = []
    briefs = load_briefs(args.briefs)
    bundles = real_bundles()
    atom_count = sum(len(b.atoms) for b in bundles.values())
    print(f"{len(briefs)} briefs over {len(bundles)} domains ({atom_count} atoms): {args.briefs}")
    quality = evaluate(briefs, ours(bundles))
    for measure, target in TARGETS.items():
        rows.append(
            (f"match quality: {measure}", f"{quality[measure]:.3f}", f">= {target:.2f}", quality[measure] >= target)
        )
    if args.compare:
        print(f"\n{'method':<44} {'routing@1':>9} {'hit@3':>6} {'mrr@5':>6} {'ms/query':>8}")
        candidates = {
            "ours: BM25F, light stemmer, bodies": lambda: ours(bundles),
            "ours: BM25F, Snowball stemmer, bodies": lambda: with_snowball(bundles),
            "ours: BM25F, light stemmer, no bodies": lambda: ours(bundles, bodies=False),
            "SQLite FTS5 bm25(), porter (stdlib)": lambda: fts5(bundles),
            "bm25s + PyStemmer (best atom's domain)": lambda: bm25s_stemmed(bundles),
        }
        for name, make in candidates.items():
            ask = make()
            print(rows_of(name, evaluate(briefs, ask)) if ask is not None else f"{name:<44} (not importable here)")
    if args.quality_only:
        return _print(rows)

    work = tempfile.mkdtemp(prefix="skillwiki-bench-match-")
    try:
        from pathlib import Path

        from consumer_site import LOAD, write_site

        site = write_site(Path(work) / "site")
        brief = briefs[0]["brief"]
        seconds = whole_process(args.python, str(site), LOAD, brief, os.path.join(work, "cache"), 5)
        rows.append(("match as a process, 3 domains (warm cache)", f"{seconds * 1000:.0f} ms", "", None))

        # scale: 100 domains of 100 atoms
        from skillwiki_sdk.match import build_index, match
        from skillwiki_sdk.validation import load_bundle

        roots = synthetic_domains(os.path.join(args.data, "match-100x100"), 100, 100)
        synthetic = {os.path.basename(root): load_bundle(root) for root in roots}
        started = time.perf_counter()
        index = build_index(synthetic)
        built = time.perf_counter() - started
        queries = [
            "topic7w3 retry backoff timeout for the gateway",
            "cache and queue latency in a replica",
            "topic42w1 topic42w7 with a snapshot journal",
            *[b["brief"] for b in briefs[:20]],
        ]
        match(index, queries[0])
        times = []
        for query in queries:
            started = time.perf_counter()
            match(index, query)
            times.append(time.perf_counter() - started)
        worst, typical = max(times) * 1000, statistics.median(times) * 1000
        rows.append(("match index of 10,000 atoms: built once", f"{built:.1f} s", "", None))
        rows.append(
            (
                "match in-process, 10,000 atoms, after the first",
                f"median {typical:.1f} ms, max {worst:.1f} ms",
                "<= 20 ms",
                typical <= 20,
            )
        )
        site_big = os.path.join(args.data, "match-site-100x100")
        write_synthetic_site(site_big, roots)
        seconds = whole_process(args.python, site_big, None, queries[0], os.path.join(work, "cache-big"), 3)
        listing = whole_process(args.python, site_big, None, "", os.path.join(work, "cache-big"), 3, command=["list"])
        rows.append(
            ("match as a process, 100 domains / 10,000 atoms (warm)", f"{seconds:.2f} s", "<= 0.5 s", seconds <= 0.5)
        )
        rows.append(("  of which discovery (skillwiki list, from the snapshot)", f"{listing:.2f} s", "", None))
        rows.append(("  of which match itself (the difference)", f"{seconds - listing:.2f} s", "", None))

        # memory of the index of 100,000 atoms
        if args.quick:
            path, scale, label = os.path.join(work, "index-10k.json"), 10.0, "scaled from 10,000"
            with open(path, "w", encoding="utf-8") as stream:
                json.dump(index.to_dict(), stream)
        else:
            big_roots = synthetic_domains(os.path.join(args.data, "match-100x1000"), 100, 1000)
            path, scale, label = os.path.join(args.data, "match-index-100k.json"), 1.0, "measured"
            if not os.path.exists(path):
                big = build_index({os.path.basename(root): load_bundle(root) for root in big_roots})
                with open(path, "w", encoding="utf-8") as stream:
                    json.dump(big.to_dict(), stream)
                del big
        resident, held = index_memory_mb(args.python, path)
        rows.append(
            (
                f"match index of 100,000 atoms in memory ({label})",
                f"{resident * scale:.0f} MB resident, {held * scale:.0f} MB held",
                "< 250 MB",
                resident * scale < 250,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _print(rows)


def _print(rows: list[tuple[str, str, str, bool | None]]) -> int:
    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    print()
    print(f"{'measure'.ljust(width)}  {'measured'.ljust(value_width)}  {'target'.ljust(10)}  result")
    for name, value, target, met in rows:
        verdict = "" if met is None else ("MET" if met else "NOT MET")
        print(f"{name.ljust(width)}  {value.ljust(value_width)}  {target.ljust(10)}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
