"""bench/: how a figure is compared with the previous results file."""
from bench.common import compare


def previous(value):
    return {"figures": {"f": {"value": value}}}


def test_a_change_over_twenty_percent_is_flagged():
    assert compare("f", 1.3, previous(1.0)) == "+30% FLAGGED"
    assert compare("f", 0.9, previous(1.0)) == "-10%"


def test_a_figure_the_previous_file_lacks_is_new():
    assert compare("f", 1.0, {"figures": {}}) == "new"
    assert compare("f", 1.0, {}) == "new"


def test_a_zero_count_is_compared_without_a_percentage():
    assert compare("f", 0, previous(0)) == "same"
    assert compare("f", 3, previous(0)) == "was 0, now 3 FLAGGED"
