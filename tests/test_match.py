"""Matching briefs: quality on the labelled briefs, determinism, inflections and
compounds, axis lifts and shared signals, the index as plain data and its cache,
and every brief a person or a script may type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from consumer_site import BRIEFS, BUNDLES, TARGETS, evaluate, load_briefs

from skillwiki_sdk import match as M
from skillwiki_sdk.analysis import stem, terms
from skillwiki_sdk.query import QueryError
from skillwiki_sdk.validation import load_bundle


@pytest.fixture(scope="module")
def domains() -> dict:
    return {name: load_bundle(str(path)) for name, path in BUNDLES.items()}


@pytest.fixture(scope="module")
def index(domains: dict) -> M.MatchIndex:
    return M.build_index(domains)


def test_the_labelled_briefs_meet_their_targets(domains: dict) -> None:
    briefs = load_briefs(str(BRIEFS))
    assert len(briefs) >= 45 and len({b["domain"] for b in briefs}) == 3
    assert all(1 <= len(b["atoms"]) <= 3 for b in briefs)
    index = M.build_index(domains)

    def ask(brief: str):
        result = M.match(index, brief, top=5)
        return [d.name for d in result.domains], [(a.domain, a.id) for a in result.atoms]

    figures = evaluate(briefs, ask)  # the benchmark's own measure (benchmarks/bench_match.py)
    for measure, target in TARGETS.items():
        assert figures[measure] >= target, (measure, figures)


def test_the_labelled_briefs_name_real_atoms(domains: dict) -> None:
    for brief in load_briefs(str(BRIEFS)):
        ids = domains[brief["domain"]].atom_ids()
        assert set(brief["atoms"]) <= ids, brief


def test_the_issues_example_brings_the_saga(index: M.MatchIndex) -> None:
    result = M.match(index, "our checkout spans three services and we cannot run one transaction across them")
    assert result.domains[0].name == "backend-architecture"
    assert result.atoms[0].ref == "@backend-architecture/saga"


def test_the_same_brief_and_domains_give_the_same_order(domains: dict, index: M.MatchIndex) -> None:
    brief = "retries and timeouts when a remote service is slow"
    first = M.match(index, brief).to_dict(explain=True)
    assert M.match(index, brief).to_dict(explain=True) == first
    reversed_domains = dict(reversed(list(domains.items())))
    assert M.match(M.build_index(reversed_domains), brief).to_dict(explain=True) == first


def test_the_index_is_plain_data_and_gives_the_same_answers_from_json(index: M.MatchIndex) -> None:
    text = json.dumps(index.to_dict())
    again = M.MatchIndex.from_dict(json.loads(text))
    for brief in ("sql injection in the search box", "late events from offline phones", "monolith or microservices"):
        assert M.match(again, brief).to_dict(explain=True) == M.match(index, brief).to_dict(explain=True)
    assert json.dumps(again.to_dict()) == text


def _packed(typecode: str, numbers: list[int]) -> str:
    import base64
    from array import array

    return base64.b64encode(array(typecode, numbers).tobytes()).decode("ascii")


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(format=99),
        lambda d: d.update(analyzer="other"),
        lambda d: d["domains"][0].pop("term_ids"),
        lambda d: d["domains"][0].update(numbers="not base64!"),
        lambda d: d["domains"][0].update(weights=""),
        lambda d: d["domains"][0].update(starts=d["domains"][1]["starts"]),
        lambda d: d["domains"][0].update(term_ids=d["domains"][0]["term_ids"][::-1]),
        lambda d: d.update(vocabulary="\n".join(reversed(d["vocabulary"].split("\n")))),
        lambda d: d.update(df=""),
        lambda d: d["domains"][0].update(number_type="q"),
        # the postings name an atom the domain does not have (a query would index past its atoms)
        lambda d: d["domains"][0].update(atoms=d["domains"][0]["atoms"][:1]),
        lambda d: d["domains"][0].update(starts=_packed("I", [0, 5, 3, 10**6])),
    ],
)
def test_a_damaged_index_is_refused_not_used(index: M.MatchIndex, damage) -> None:
    data = json.loads(json.dumps(index.to_dict()))
    damage(data)
    with pytest.raises(ValueError):
        M.MatchIndex.from_dict(data)


@pytest.mark.parametrize(
    "words",
    [
        ("service", "services"),
        ("retry", "retries", "retried"),
        ("partition", "partitions", "partitioning", "partitioned"),
        ("deploy", "deployed", "deploying", "deployment"),
        ("cache", "caches", "caching", "cached"),
        ("encrypt", "encrypted", "encryption"),
        ("log", "logs", "logged", "logging"),
    ],
)
def test_inflections_meet_on_one_stem(words: tuple[str, ...]) -> None:
    assert len({stem(word) for word in words}) == 1


def _signals(index: M.MatchIndex, brief: str, domain: str) -> list[str]:
    result = M.match(index, brief)
    return next((d.tags for d in result.domains if d.name == domain), {})


@pytest.mark.parametrize(
    "brief",
    ["we need a circuit breaker", "circuit breakers everywhere", "add a circuitbreaker", "the circuit-breaker trips"],
)
def test_hyphenated_and_compound_tags_match(index: M.MatchIndex, brief: str) -> None:
    met = _signals(index, brief, "backend-architecture")
    assert any("circuit-breaker" in tags for tags in met.values()), met


@pytest.mark.parametrize(
    "brief", ["is our app 12factor", "a twelve-factor app", "the twelve factor rules", "12 factor"]
)
def test_12factor_and_twelve_factor_meet(index: M.MatchIndex, brief: str) -> None:
    met = _signals(index, brief, "backend-architecture")
    tags = {tag for found in met.values() for tag in found}
    assert {"12factor", "twelve-factor"} <= tags, met


def test_axis_values_named_in_the_brief_lift_the_atoms_that_carry_them(domains: dict, index: M.MatchIndex) -> None:
    plain = {a.ref: a for a in M.match(index, "processes that keep no state between requests", top=50).atoms}
    lifted = {
        a.ref: a for a in M.match(index, "processes that keep no state between requests on kubernetes", top=50).atoms
    }
    carriers = {
        f"@backend-architecture/{a.id}"
        for a in domains["backend-architecture"].atoms
        if "kubernetes" in a.axes.get("deployment-mode", ())
    }
    assert carriers
    for ref in carriers & set(plain) & set(lifted):
        assert "deployment-mode=kubernetes" in lifted[ref].lifts
        # the lift is a share of the text score; the word itself adds its own text score too
        assert lifted[ref].score / lifted[ref].text > plain[ref].score / plain[ref].text
    for ref in set(lifted) - carriers:
        assert "deployment-mode=kubernetes" not in lifted[ref].lifts


def test_quality_weighs_a_little(index: M.MatchIndex) -> None:
    for atom in M.match(index, "timeouts retries and failures of remote calls", top=20).atoms:
        share = atom.score / (
            atom.text * atom.domain_factor * (1 + M.AXIS_LIFT * len({lift.split("=")[0] for lift in atom.lifts}))
        )
        assert share == pytest.approx(1 + M.QUALITY_WEIGHT * (atom.quality or 0) / 5)


def test_signal_words_that_several_domains_claim_are_said(index: M.MatchIndex) -> None:
    result = M.match(index, "where do our config and logs go")
    shared = {word for d in result.domains for word in d.shared}
    assert {"config", "logs"} <= shared
    for d in result.domains:
        for names in d.shared.values():
            assert d.name in names and len(names) > 1
    assert any(note.startswith("signal words claimed by several domains") for note in result.notes)


def test_domain_and_axis_options_restrict_the_answer(domains: dict, index: M.MatchIndex) -> None:
    result = M.match(index, "retry the job", domains=["data-engineering"])
    assert {d.name for d in result.domains} == {"data-engineering"} and {a.domain for a in result.atoms} == {
        "data-engineering"
    }
    result = M.match(index, "stream events", axes={"processing": ["streaming"]}, top=50)
    assert result.atoms
    for found in result.atoms:
        atom = next(a for a in domains[found.domain].atoms if a.id == found.id)
        assert "streaming" in atom.axes.get("processing", ())
    with pytest.raises(QueryError, match="no installed domain named 'nope'"):
        M.match(index, "x", domains=["nope"])
    with pytest.raises(QueryError, match="no axis 'procesing' in the domains matched; did you mean processing"):
        M.match(index, "x", axes={"procesing": ["streaming"]})
    with pytest.raises(QueryError, match="has no value 'steaming'"):
        M.match(index, "x", axes={"processing": ["steaming"]})


@pytest.mark.parametrize(
    "brief, note",
    [
        ("", "the brief is empty"),
        ("   \n\t ", "the brief is empty"),
        ("the and of to a 1 2 3 !!!", "no words to match"),
        ("\x00\x1b[31m\x07\u202e", "no words to match"),
        ("zzqx vvwyk", "no domain's vocabulary or atoms share a word"),
    ],
)
def test_a_brief_with_nothing_to_match_gives_nothing_and_says_why(index: M.MatchIndex, brief: str, note: str) -> None:
    result = M.match(index, brief)
    assert (result.domains, result.atoms) == ([], [])
    assert any(note in n for n in result.notes), result.notes


def test_a_brief_of_a_megabyte_is_read_only_in_part(index: M.MatchIndex) -> None:
    brief = "sql injection in our search form " + "x" * (1024 * 1024)
    result = M.match(index, brief)
    assert result.atoms[0].ref == "@web-security/parameterized-queries"
    assert any(f"first {M.BRIEF_CHARS:,}" in note for note in result.notes)


def test_control_characters_in_a_brief_do_not_stop_it(index: M.MatchIndex) -> None:
    result = M.match(index, "sql\x00 injection\x1b[2J in the\u202e search\x07 box")
    assert result.atoms[0].ref == "@web-security/parameterized-queries"


def test_the_index_is_kept_in_the_cache_folder_and_built_again_when_an_atom_changes(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(BUNDLES["web-security"], tmp_path / "bundle")
    bundles = {"web-security": load_bundle(str(tmp_path / "bundle"))}
    folder = tmp_path / "cache"
    first = M.cached_index(bundles, str(folder))
    [entry] = list((folder / "match").glob("*.json"))  # one entry, kept as the checked bundles are
    stamp = entry.stat().st_mtime_ns
    again = M.cached_index(bundles, str(folder))
    assert entry.stat().st_mtime_ns == stamp and again.to_dict() == first.to_dict()
    atom = bundles["web-security"].atoms[0]
    path = Path(atom.source.path)
    path.write_text(path.read_text(encoding="utf-8") + "\nzebrafish appear here now.\n", encoding="utf-8")
    changed = M.cached_index(bundles, str(folder))
    assert entry.stat().st_mtime_ns != stamp  # rewritten for the new key
    assert M.match(changed, "zebrafish").atoms[0].id == atom.id
    [entry] = list((folder / "match").glob("*.json"))
    entry.write_text("{damaged", encoding="utf-8")
    assert M.cached_index(bundles, str(folder)).to_dict() == changed.to_dict()
    assert json.loads(entry.read_text(encoding="utf-8"))["data"]["format"] == M.FORMAT  # written again


def test_a_cache_folder_that_cannot_be_written_is_no_error(domains: dict, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    index = M.cached_index({"data-engineering": domains["data-engineering"]}, str(blocker / "cache"))
    assert M.match(index, "late data in streams").atoms


def test_terms_drop_stop_words_and_single_digits() -> None:
    assert terms("The 3 services and the twelve-factor app") == ["servic", "12", "factor", "app"]


def test_shorthands_meet_the_words_atoms_spell_out(index: M.MatchIndex) -> None:
    assert terms("k8s db repos") == terms("kubernetes database repositories")
    result = M.match(index, "k8s keeps routing traffic to pods that are not ready")
    assert "deployment-mode=kubernetes" in {lift for atom in result.atoms for lift in atom.lifts}
