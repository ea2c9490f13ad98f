"""The one parameter checker: declared constraints and the messages they give."""

import math
import re

import numpy as np
import pytest

import rumourscope as rs
from rumourscope._constraints import Either, Interval, Options, Whole, check_param, check_params


def message(name, value, declared, **kwargs) -> str:
    with pytest.raises(rs.ParameterError) as info:
        check_param(name, value, declared, **kwargs)
    return str(info.value)


# ---------------------------------------------------------------------- intervals
@pytest.mark.parametrize(
    ("declared", "inside", "outside"),
    [
        (Interval(int, 1, None), [1, 2, 10**30, np.int64(5)], [0, -1]),
        (Interval(int, None, 3), [-(10**30), 3], [4]),
        (Interval(float, 0, 1), [0, 0.0, 0.5, 1, np.float32(1.0)], [-0.001, 1.0001]),
        (Interval(float, 0, 1, closed="left"), [0.0, 0.999], [1.0]),
        (Interval(float, 0, 1, closed="right"), [1e-300, 1.0], [0.0]),
        (Interval(float, 0, 1, closed="neither"), [0.5], [0.0, 1.0]),
        (Interval(float, None, None), [-1e300, 0.0, 1e300], []),
        (Interval(Whole, 1, None), [1, 5000.0, np.int64(7), np.float64(2.0)], [0, 0.0, 2.5]),
    ],
)
def test_an_interval_holds_its_inside_and_rejects_its_outside(declared, inside, outside):
    for value in inside:
        check_param("x", value, declared)
    for value in outside:
        with pytest.raises(rs.ParameterError, match=r"^x must be "):
            check_param("x", value, declared)


@pytest.mark.parametrize(
    ("declared", "words"),
    [
        (Interval(int, 1, None), "a whole number >= 1"),
        (Interval(int, 0, None), "a whole number >= 0"),
        (Interval(float, 0, None, closed="neither"), "a number > 0"),
        (Interval(float, None, 5), "a number <= 5"),
        (Interval(float, None, 5, closed="left"), "a number < 5"),
        (Interval(float, 0, 1), "a number in [0, 1]"),
        (Interval(float, 0, 1, closed="left"), "a number in [0, 1)"),
        (Interval(float, 0, 1, closed="right"), "a number in (0, 1]"),
        (Interval(float, 0.5, 2.5, closed="neither"), "a number in (0.5, 2.5)"),
        (Interval(Whole, 1, None), "a whole number >= 1"),
        (Interval(int), "a whole number"),
        (Interval(float, 0, 1, text="a probability in [0, 1]"), "a probability in [0, 1]"),
    ],
)
def test_an_interval_says_what_it_allows(declared, words):
    assert declared.describe() == words


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("kind", [int, float, Whole])
def test_a_bool_is_never_a_number(kind, value):
    text = message("runs", value, Interval(kind, None, None))
    assert text.endswith(f", got {value!r}")


@pytest.mark.parametrize("value", ["3", None, [1], b"1", 1 + 0j])
def test_values_that_are_not_numbers_are_shown_as_their_repr(value):
    text = message("runs", value, Interval(int, 1, None))
    assert text == f"runs must be a whole number >= 1, got {value!r}"


def test_a_float_is_not_an_integer_but_a_whole_float_is_whole():
    assert message("runs", 5.0, Interval(int, 1, None)) == (
        "runs must be a whole number >= 1, got 5.0"
    )
    check_param("count", 5.0, Interval(Whole, 1, None))
    assert message("count", 5.5, Interval(Whole, 1, None)) == (
        "count must be a whole number >= 1, got 5.5"
    )


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_nan_and_infinities_lie_in_no_interval(value):
    for declared in (Interval(float, None, None), Interval(float, 0, None), Interval(Whole)):
        text = message("x", value, declared)
        assert text.endswith(f", got {float(value)}")
    # an interval can name what is wrong with them separately
    declared = Interval(float, 0, 1, text="a probability in [0, 1]", finite_text="finite")
    assert message("p", value, declared) == f"p must be finite, got {float(value)}"


def test_an_interval_can_say_separately_what_type_is_wanted():
    declared = Interval(int, 2, None, text=">= 2 members", type_text="a whole number")
    assert message("group_size", 2.5, declared) == "group_size must be a whole number, got 2.5"
    assert message("group_size", 1, declared) == "group_size must be >= 2 members, got 1"


def test_the_message_names_the_parameter_and_the_value():
    declared = Interval(float, 0, 1, closed="neither", text="in (0, 1)")
    assert message("level", 1.5, declared) == "level must be in (0, 1), got 1.5"
    # numpy numbers read as numbers, not as their repr
    assert message("level", np.float64(1.5), declared) == "level must be in (0, 1), got 1.5"
    assert message("n", np.int64(0), Interval(int, 1, None)) == (
        "n must be a whole number >= 1, got 0"
    )


def test_a_number_format_shows_large_values_as_the_bound_is_written():
    declared = Interval(int, 0, 1_000_000, text="between 0 and 1,000,000", number_format=",")
    assert message("n", 1_000_001, declared) == "n must be between 0 and 1,000,000, got 1,000,001"
    # a value that is not a number is still shown as its repr
    assert message("n", "many", declared).endswith("got 'many'")


def test_an_interval_rejects_kinds_and_ends_it_does_not_know():
    with pytest.raises(TypeError, match="kind"):
        Interval(str, 0, 1)
    with pytest.raises(ValueError, match="closed"):
        Interval(float, 0, 1, closed="open")


# ---------------------------------------------------------------------- options and None
def test_options_list_the_allowed_values():
    assert message("kind", "pie", Options(("tree", "sunburst"))) == (
        "kind must be 'tree' or 'sunburst', got 'pie'"
    )
    assert message("point", None, Options(("median", "mean", "mode"))) == (
        "point must be one of 'median', 'mean', 'mode', got None"
    )
    check_param("kind", "tree", Options(("tree", "sunburst")))
    # a value whose == is elementwise is not an option, and does not break the check
    assert "got array" in message("kind", np.array(["tree", "pie"]), Options(("tree",)))


def test_none_alone_and_in_a_list():
    check_param("x", None, None)
    assert message("x", 0, None) == "x must be None, got 0"
    declared = [Interval(int, 1, None), None]
    check_param("group_cap", None, declared)
    check_param("group_cap", 3, declared)
    assert message("group_cap", 0, declared) == (
        "group_cap must be a whole number >= 1 or None, got 0"
    )


def test_either_can_say_in_its_own_words_what_it_allows():
    declared = Either(Interval(int), None, text="an integer seed or None")
    check_param("rng", 7, declared)
    check_param("rng", None, declared)
    assert message("rng", 1.5, declared) == "rng must be an integer seed or None, got 1.5"
    assert message("rng", True, declared) == "rng must be an integer seed or None, got True"


# ---------------------------------------------------------------------- declarations
def test_check_params_reads_a_declaration_in_order_with_a_prefix():
    declared = {"low": Interval(float, 0, 1), "high": Interval(float, 0, 1)}
    check_params({"low": 0.1, "high": 0.9}, declared)
    with pytest.raises(rs.ParameterError, match=re.escape("range of p: low must be")):
        check_params({"low": -1, "high": 2}, declared, prefix="range of p: ")
    with pytest.raises(KeyError):
        check_params({"middle": 0.5}, declared)


def test_the_error_is_a_value_error_too():
    with pytest.raises(ValueError, match="runs"):
        check_param("runs", 0, Interval(int, 1, None))


# ---------------------------------------------------------------------- in the package
@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: rs.SpreadModel(read_prob=1.5), r"read_prob must be a probability in \[0, 1\], "
                                                 r"got 1.5"),
        (lambda: rs.SpreadModel(read_prob=math.nan), "read_prob must be finite, got nan"),
        (lambda: rs.SpreadModel(read_prob="0.3"), "read_prob must be a number, got '0.3'"),
        (lambda: rs.SpreadModel(horizon=-1.0), "horizon must be >= 0, got -1.0"),
        (lambda: rs.Platform("p", group_cap=0), "Platform 'p': group_cap must be a positive "
                                                 "whole number or None, got 0"),
        (lambda: rs.Platform("p", group_cap=True), "got True"),
        (lambda: rs.ParameterRange("read_prob", -0.1, 0.5), r"range of read_prob: low must "
                                                             r"be a probability in \[0, 1\]"),
    ],
)  # fmt: skip
def test_declared_parameters_of_the_package_give_the_messages_they_always_gave(make, match):
    with pytest.raises(rs.ParameterError, match=match):
        make()
