"""Reading, checking and writing .pb files: the quirks of real files and line-numbered errors."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from coproduce.pb import (
    Ballot,
    Election,
    ElectionError,
    PbError,
    PbFileError,
    Problem,
    Project,
    constraint_problems,
    count,
    parse_pb,
    read_pb,
    validate_pb,
    write_pb,
)
from coproduce.pb.pabulib import format_number

GOOD = """META
key;value
description;Test
country;Nowhere
unit;Town
instance;2026
num_projects;3
num_votes;4
budget;100
vote_type;approval
rule;greedy
date_begin;01.01.2026
date_end;02.01.2026
max_length;2
currency;GBP
PROJECTS
project_id;cost;votes;name;category
1;60;2;"Park; with a pond";green
2;50;2;"The ""Big"" Bench";
c10;40;1;Library;culture,education
VOTES
voter_id;vote;age
v1;1,2;30
v2;1;
v3;2,c10;44
v4;;
"""


def lines_of(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.code) for p in problems if p.is_error]


def with_line(text: str, number: int, new: str) -> str:
    rows = text.split("\n")
    rows[number - 1] = new
    return "\n".join(rows)


def test_reads_quoted_fields_lists_and_empty_cells() -> None:
    election = parse_pb(GOOD.replace("v4;;", "v4;c10;"))
    assert election.budget == 100
    assert election.vote_type == "approval"
    assert [p.id for p in election.projects] == ["1", "2", "c10"]
    assert election.projects[0].name == "Park; with a pond"
    assert election.projects[1].name == 'The "Big" Bench'
    assert election.projects[2].extra == {"votes": "1", "category": "culture,education"}
    assert election.ballots[0] == Ballot("v1", ("1", "2"), None, {"age": "30"})
    assert election.meta["currency"] == "GBP"
    assert "budget" not in election.meta and "num_votes" not in election.meta


def test_an_empty_ballot_breaks_the_default_min_length() -> None:
    with pytest.raises(PbFileError) as caught:
        parse_pb(GOOD)
    assert caught.value.line == 26
    assert "at least 1 needed" in str(caught.value)


def test_crlf_bom_and_blank_lines_are_accepted() -> None:
    text = "\ufeff" + GOOD.replace("v4;;", "v4;1;").replace("\n", "\r\n").replace("PROJECTS", "\r\nPROJECTS")
    election = parse_pb(text)
    assert election.num_voters == 4
    assert [p.code for p in validate_pb(text)] == ["blank-line"]


def test_decimal_budget_and_costs_are_exact() -> None:
    text = GOOD.replace("budget;100", "budget;1331751.11").replace("1;60;2", "1;60.50;2").replace("v4;;", "v4;1;")
    election = parse_pb(text)
    assert election.budget == Fraction(133175111, 100)
    assert election.projects[0].cost == Fraction(121, 2)
    assert parse_pb(write_pb(election)) == election
    assert "1331751.11" in write_pb(election)


def test_float_written_whole_cost_is_read_as_an_int() -> None:
    election = parse_pb(GOOD.replace("1;60;2", "1;60.0;2").replace("v4;;", "v4;1;"))
    assert election.projects[0].cost == 60 and isinstance(election.projects[0].cost, int)


@pytest.mark.parametrize(
    ("change", "line", "code", "words"),
    [
        ((25, "v3;2,99;44"), 25, "unknown-project", "'99', which is not in the PROJECTS section"),
        ((18, "1;-60;2;Park;green"), 18, "bad-cost", "negative"),
        ((18, "1;sixty;2;Park;green"), 18, "bad-cost", "not a number"),
        ((18, "1;60,5;2;Park;green"), 18, "bad-cost", "comma"),
        ((25, "v3;1,2,c10;44"), 25, "too-many-projects", "at most 2 allowed"),
        ((25, "v1;2;44"), 25, "duplicate-voter", "used twice"),
        ((19, "1;50;2;Bench;"), 19, "duplicate-project", "used twice"),
        ((9, "budget;lots"), 9, "bad-budget", "not a number"),
        ((10, "vote_type;secret"), 10, "bad-vote-type", "secret"),
        ((14, "max_length;two"), 14, "bad-meta", "not a number"),
        ((25, "v3;2;44;extra"), 25, "bad-row", "4 fields"),
    ],
)
def test_bad_files_name_the_line_and_the_problem(change: tuple[int, str], line: int, code: str, words: str) -> None:
    text = with_line(GOOD.replace("v4;;", "v4;1;"), *change)
    problems = validate_pb(text)
    assert (line, code) in lines_of(problems)
    with pytest.raises(PbFileError) as caught:
        parse_pb(text, source="bad.pb")
    error = caught.value
    assert error.line == line
    assert str(error).startswith(f"bad.pb: line {line}: ")
    assert words in str(error)
    assert isinstance(error, PbError)


@pytest.mark.parametrize("section", ["META", "PROJECTS", "VOTES"])
def test_a_missing_section_is_an_error(section: str) -> None:
    text = GOOD.replace("v4;;", "v4;1;")
    start = text.index(section)
    following = {"META": "PROJECTS", "PROJECTS": "VOTES", "VOTES": None}[section]
    end = text.index(following) if following else len(text)
    problems = validate_pb(text[:start] + text[end:])
    assert any(p.code == "missing-section" and section in p.message for p in problems)
    assert all(p.line is not None for p in problems if p.code == "missing-section")


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = with_line(with_line(GOOD.replace("v4;;", "v4;1;"), 25, "v3;2,99;44"), 18, "1;-5;2;Park;green")
    codes = lines_of(validate_pb(text))
    assert (18, "bad-cost") in codes and (25, "unknown-project") in codes
    with pytest.raises(PbFileError) as caught:
        parse_pb(text)
    assert "and 1 more problem" in str(caught.value)


def test_duplicates_in_a_ballot_follow_pabutools() -> None:
    approval = parse_pb(GOOD.replace("v1;1,2;30", "v1;1,2,1;30").replace("v4;;", "v4;1;"))
    assert approval.ballots[0].projects == ("1", "2")
    ordinal = GOOD.replace("vote_type;approval", "vote_type;ordinal").replace("v4;;", "v4;1;")
    ranking = parse_pb(ordinal.replace("v1;1,2;30", "v1;2,1,2;30").replace("max_length;2", "max_length;3"))
    assert ranking.ballots[0].projects == ("2", "1")  # the first position counts
    cumulative = (GOOD.replace("vote_type;approval", "vote_type;cumulative").replace("max_length;2", "max_sum_points;10")
                  .replace("voter_id;vote;age", "voter_id;vote;points;age")
                  .replace("v1;1,2;30", "v1;1,2,1;3,2,4;30").replace("v2;1;", "v2;1;1;")
                  .replace("v3;2,c10;44", "v3;2,c10;1,1;44").replace("v4;;", "v4;1;5;"))
    points = parse_pb(cumulative)
    assert points.ballots[0].projects == ("1", "2") and points.ballots[0].points == (4, 2)  # the last points count
    warnings = [p for p in validate_pb(cumulative) if p.code == "duplicate-in-ballot"]
    assert warnings and warnings[0].line == 23 and not warnings[0].is_error


def test_identical_vote_cells_share_one_tuple_and_every_line_is_still_checked() -> None:
    text = GOOD.replace("v4;;", "v4;1;").replace("num_votes;4", "num_votes;6") + "v5;2,c10;\nv6;1,2;51\n"
    ballots = parse_pb(text).ballots
    assert ballots[4].projects == ("2", "c10") and ballots[4].projects is ballots[2].projects
    assert ballots[5].projects is ballots[0].projects and ballots[5].extra == {"age": "51"}
    # a cell with a problem is reported on every line it appears on, however often it repeats
    repeated = GOOD.replace("v2;1;", "v2;1,1;").replace("v4;;", "v4;1,1;")
    assert [(p.line, p.code) for p in validate_pb(repeated)] == [(24, "duplicate-in-ballot"), (26, "duplicate-in-ballot")]
    unknown = GOOD.replace("v2;1;", "v2;1,x9;").replace("v4;;", "v4;1,x9;")
    assert lines_of(validate_pb(unknown)) == [(24, "unknown-project"), (26, "unknown-project")]
    too_long = GOOD.replace("v1;1,2;30", "v1;1,2,c10;30").replace("v3;2,c10;44", "v3;1,2,c10;44").replace("v4;;", "v4;1;")
    assert lines_of(validate_pb(too_long)) == [(23, "too-many-projects"), (25, "too-many-projects")]
    cumulative = (GOOD.replace("vote_type;approval", "vote_type;cumulative").replace("max_length;2", "max_sum_points;10")
                  .replace("voter_id;vote;age", "voter_id;vote;points;age")
                  .replace("v1;1,2;30", "v1;1,2;3,2;30").replace("v2;1;", "v2;1,2;3,2;")
                  .replace("v3;2,c10;44", "v3;1,2;3,x;44").replace("v4;;", "v4;1,2;3,x;"))
    assert lines_of(validate_pb(cumulative)) == [(25, "bad-points"), (26, "bad-points")]
    points = parse_pb(cumulative.replace("3,x", "3,2"))
    assert {b.points for b in points.ballots} == {(3, 2)} and len({id(b.points) for b in points.ballots}) == 1


def test_constraints_can_be_waived_for_recounting_published_files() -> None:
    text = with_line(GOOD.replace("v4;;", "v4;1;"), 25, "v3;1,2,c10;44")
    with pytest.raises(PbFileError):
        parse_pb(text)
    election = parse_pb(text, check_constraints=False)
    assert election.ballots[2].projects == ("1", "2", "c10")
    assert [p.code for p in constraint_problems(election)] == ["too-many-projects"]


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.pb"
    path.write_bytes(GOOD.replace("v4;;", "v4;1;").replace("Library", "Bibliothèque").encode("latin-1"))
    with pytest.raises(PbFileError) as caught:
        read_pb(path)
    assert caught.value.line == 20
    with pytest.raises(PbError, match="cannot read"):
        read_pb(tmp_path / "missing.pb")


def test_an_election_built_in_code_writes_a_valid_file() -> None:
    election = Election(
        projects=[Project("p1", 3000, "New park; with trees"), Project("p2", 2000, 'A "safe" crossing')],
        ballots=[Ballot.approval("b1", ["p1"]), Ballot.approval("b2", ["p1", "p2"]), Ballot.approval("b3", ["p2"])],
        budget=4000,
        meta={"description": "Test ward", "currency": "GBP"},
    )
    text = write_pb(election)
    assert [p for p in validate_pb(text) if p.is_error] == []
    again = parse_pb(text)
    assert again.projects == election.projects
    assert again.ballots == election.ballots
    assert again.budget == election.budget
    assert parse_pb(write_pb(again)) == again
    assert count(again, "mes_cost").selected == count(election, "mes_cost").selected


def test_cumulative_election_built_in_code() -> None:
    election = Election(
        projects=[Project("a", 10), Project("b", 20)],
        ballots=[Ballot.with_points("x", {"a": 3, "b": 7}), Ballot.with_points("y", {"a": 10})],
        budget=25, vote_type="cumulative", meta={"max_sum_points": "10"},
    )
    assert election.ballots[0].projects == ("b", "a")
    assert parse_pb(write_pb(election)).ballots == election.ballots
    assert constraint_problems(election) == []


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Project("a,b", 1), "may not contain"),
        (lambda: Project("a", -1), "negative"),
        (lambda: Project("a", 1.5), "int, Fraction or Decimal"),  # type: ignore[arg-type]
        (lambda: Election([Project("a", 1), Project("a", 2)], [], 5), "used twice"),
        (lambda: Election([Project("a", 1)], [Ballot("v", ("b",))], 5), "'b', which is not in the election"),
        (lambda: Election([Project("a", 1)], [Ballot("v", ("a", "a"))], 5), "more than once"),
        (lambda: Election([Project("a", 1)], [Ballot("v", ("a",))], 5, "cumulative"), "one number of points"),
        (lambda: Election([Project("a", 1)], [Ballot("v", ("a",), (1,))], 5), "do not"),
        (lambda: Election([Project("a", 1)], [], -5), "negative"),
        (lambda: Election([Project("a", 1)], [], "ten"), "not a number"),
        (lambda: Election([Project("a", 1)], [], 5, "plurality"), "not one of"),
        (lambda: Election([Project("a", 1)], [], 5, meta={"budget": "6"}), "disagrees"),
    ],
)
def test_inconsistent_elections_are_refused(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ElectionError, match=message):
        build()


@pytest.mark.parametrize(
    ("value", "text"),
    [(5, "5"), (Fraction(1331751_11, 100), "1331751.11"), (Fraction(1, 8), "0.125"), (Fraction(-3, 2), "-1.5")],
)
def test_numbers_are_written_exactly(value: Fraction, text: str) -> None:
    assert format_number(value) == text


def test_a_number_without_a_decimal_form_cannot_be_written() -> None:
    election = Election([Project("a", 1)], [], Fraction(1, 3))
    with pytest.raises(PbError, match="no exact decimal form"):
        write_pb(election)
