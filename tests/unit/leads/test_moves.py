"""leads.moves: the statuses a lead keeps when it moves to another stage."""

from crmui.taskip import Attribute
from leads.moves import new_status_ids


def S(id, order):
    """A status with an id and an order (name and colour do not matter here)."""
    return Attribute(id, f"S{id}", 1, "#000000", order, None, None)


def test_moving_keeps_earlier_stages_and_drops_later_ones():
    order = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}
    assert new_status_ids((S(1, 1), S(2, 2), S(5, 5)), 3, order) == [1, 2, 3]
    assert new_status_ids((S(1, 1), S(4, 4)), 4, order) == [1, 4]
    assert new_status_ids((S(1, 1), S(4, 4)), None, order) == []
    assert new_status_ids((), 2, order) == [2]
