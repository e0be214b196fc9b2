"""Synthetic Skill Wiki bundles of N atoms, with realistic sizes, for the benchmark.

Each atom has a 25-word summary, 3 tags, 2 values on each of 3 axes, 3 related
links and a Markdown body of about 250 words. The output is deterministic: the same
N (and errors) always writes the same bytes.

    python benchmarks/generate.py OUT N [--errors EVERY] [--standalone DIR]

``--errors EVERY`` damages every EVERY-th atom in one of several ways (see
:data:`DAMAGES`), so that a bundle has findings of many kinds scattered through it.
``--standalone DIR`` also writes each atom's frontmatter as a standalone YAML file
(what check-jsonschema is given in the peer comparison).
"""

from __future__ import annotations

import argparse
import os
import random
from collections.abc import Callable

__all__ = ["DAMAGES", "generate_bundle", "write_standalone", "atom_id"]

WORDS = (
    "service request latency cache queue event stream partition replica leader follower "
    "consensus timeout retry backoff idempotent handler schema migration index shard "
    "tenant boundary contract gateway registry circuit breaker bulkhead throttle quota "
    "deploy rollout canary feature flag config secret token session state log metric "
    "trace span alert budget capacity throughput storage snapshot journal ledger batch "
    "window watermark offset consumer producer broker topic payload envelope version "
    "client server proxy router balancer health probe restart crash recovery failover "
    "region zone cluster node pod container image build release pipeline artifact"
).split()
KINDS = ("principle", "pattern", "rule")
TAGS = tuple(f"tag-{name}" for name in WORDS[:40])
AXES = {
    "layer": tuple(f"layer-{index}" for index in range(10)),
    "deployment-mode": tuple(f"mode-{index}" for index in range(8)),
    "scale-class": tuple(f"scale-{index}" for index in range(9)),
}


def atom_id(index: int) -> str:
    """The id of atom number ``index`` (also its file's stem)."""
    return f"atom-{index:06d}"


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _body(rng: random.Random) -> str:
    paragraphs = [
        "## What it is",
        _words(rng, 80) + ".",
        "## When to use it",
        _words(rng, 80) + ".",
        "## Trade-offs",
        _words(rng, 84) + ".",
    ]
    return "\n\n".join(paragraphs) + "\n"


def _frontmatter(index: int, count: int, rng: random.Random) -> list[str]:
    kind = KINDS[index % len(KINDS)]
    tags = rng.sample(TAGS, 3)
    related = [atom_id((index + step * 7919) % count) for step in (1, 2, 3)]
    related = [target for target in dict.fromkeys(related) if target != atom_id(index)] or []
    lines = [
        f"id: {atom_id(index)}",
        f"kind: {kind}",
        f"summary: {_words(rng, 25).capitalize()}.",
        f"tags: [{', '.join(tags)}]",
        "axes:",
    ]
    for axis, values in AXES.items():
        lines.append(f"  {axis}: [{', '.join(rng.sample(values, 2))}]")
    lines.append(f"quality: {rng.randint(20, 50) / 10:.1f}")
    lines.append(f"related: [{', '.join(related)}]" if related else "related: []")
    return lines


def _no_frontmatter(lines: list[str], body: str) -> str:
    return body


def _yaml_syntax(lines: list[str], body: str) -> str:
    lines[3] = lines[3].replace("]", "")  # an unclosed flow sequence
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def _missing_summary(lines: list[str], body: str) -> str:
    return "---\n" + "\n".join(line for line in lines if not line.startswith("summary:")) + "\n---\n\n" + body


def _unknown_tag(lines: list[str], body: str) -> str:
    lines[3] = "tags: [no-such-tag, " + lines[3][len("tags: [") :]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def _dangling_related(lines: list[str], body: str) -> str:
    lines[-1] = "related: [no-such-atom]"
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def _typo_key(lines: list[str], body: str) -> str:
    return "---\n" + "\n".join(lines) + "\nqualty: 3.0\n---\n\n" + body


def _empty_body(lines: list[str], body: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n"


def _duplicate_key(lines: list[str], body: str) -> str:
    return "---\n" + "\n".join([*lines, lines[1]]) + "\n---\n\n" + body


def _bad_quality(lines: list[str], body: str) -> str:
    lines[-2] = "quality: 7.5"
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


# Ways to damage an atom, applied in turn to every EVERY-th atom.
DAMAGES: tuple[Callable[[list[str], str], str], ...] = (
    _no_frontmatter,
    _yaml_syntax,
    _missing_summary,
    _unknown_tag,
    _dangling_related,
    _typo_key,
    _empty_body,
    _duplicate_key,
    _bad_quality,
)


def _manifest(name: str) -> str:
    lines = [
        "schema: 1",
        f"name: {name}",
        'version: "1.0.0"',
        "title: Synthetic benchmark domain",
        "description: A generated domain for measuring skillwiki-sdk.",
        'requires-sdk: ">=0.1,<0.2"',
        f"tags: [{', '.join(TAGS)}]",
        "axes:",
    ]
    for axis, values in AXES.items():
        lines.append(f"  {axis}:")
        lines.append(f"    description: The {axis} axis.")
        lines.append(f"    values: [{', '.join(values)}]")
    return "\n".join(lines) + "\n"


def generate_bundle(
    root: str, count: int, *, errors: int = 0, name: str = "synthetic", per_folder: int = 1000
) -> list[str]:
    """Write a bundle of ``count`` atoms at ``root``; returns the atom files written.

    Atoms are spread over ``atoms/<kind>/<block>/`` folders of at most ``per_folder``
    files. With ``errors`` > 0, every ``errors``-th atom (starting at ``errors // 2``)
    is damaged by one of :data:`DAMAGES`, in turn.
    """
    rng = random.Random(count * 7 + errors)
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "domain.yaml"), "w", encoding="utf-8") as handle:
        handle.write(_manifest(name))
    written: list[str] = []
    made: set[str] = set()
    damage = 0
    for index in range(count):
        lines = _frontmatter(index, count, rng)
        body = _body(rng)
        if errors and index % errors == errors // 2:
            text = DAMAGES[damage % len(DAMAGES)](lines, body)
            damage += 1
        else:
            text = "---\n" + "\n".join(lines) + "\n---\n\n" + body
        folder = os.path.join(root, "atoms", KINDS[index % len(KINDS)], f"block-{index // per_folder:03d}")
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        path = os.path.join(folder, atom_id(index) + ".md")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        written.append(path)
    return written


def write_standalone(bundle: str, out: str) -> int:
    """Write each atom's frontmatter in ``bundle`` as ``out/<id>.yaml``; returns how many."""
    os.makedirs(out, exist_ok=True)
    written = 0
    for current, _, names in os.walk(os.path.join(bundle, "atoms")):
        for name in names:
            with open(os.path.join(current, name), encoding="utf-8") as handle:
                text = handle.read()
            if not text.startswith("---\n"):
                continue
            end = text.find("\n---\n", 3)
            if end < 0:
                continue
            with open(os.path.join(out, name[:-3] + ".yaml"), "w", encoding="utf-8") as handle:
                handle.write(text[4 : end + 1])
            written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="bundle folder to write")
    parser.add_argument("count", type=int, help="number of atoms")
    parser.add_argument("--errors", type=int, default=0, metavar="EVERY", help="damage every EVERY-th atom")
    parser.add_argument("--standalone", metavar="DIR", help="also write each frontmatter as DIR/<id>.yaml")
    args = parser.parse_args(argv)
    generate_bundle(args.out, args.count, errors=args.errors)
    if args.standalone:
        write_standalone(args.out, args.standalone)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
