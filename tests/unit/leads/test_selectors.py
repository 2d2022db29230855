"""leads.selectors: where a lead sits on the board, and the board's columns."""

from decimal import Decimal

from crmui.taskip import Attribute, Lead
from leads.selectors import group_board, placing_status


def S(id, order):
    """A status with an id and an order (name and colour do not matter here)."""
    return Attribute(id, f"S{id}", 1, "#000000", order, None, None)


def test_placement_is_the_status_with_the_highest_order_ties_to_lower_id():
    assert placing_status(Lead(1, statuses=(S(1, 1), S(4, 4), S(2, 2)))).id == 4
    assert placing_status(Lead(1, statuses=(S(9, 3), S(5, 3)))).id == 5
    assert placing_status(Lead(1)) is None
    # the admins' current order wins over the order embedded in the lead
    assert placing_status(Lead(1, statuses=(S(1, 1), S(4, 4))), {1: 10, 4: 4}).id == 1


def test_grouping_counts_and_sums_per_currency():
    leads = [
        Lead(1, statuses=(S(2, 2),), value=Decimal("10"), currency="usd"),
        Lead(2, statuses=(S(1, 1), S(2, 2)), value=Decimal("5.5"), currency="USD"),
        Lead(3, statuses=(S(2, 2),), value=Decimal("7"), currency="EUR"),
        Lead(4, value=Decimal("1"), currency="USD"),
    ]
    cols = group_board(leads, [S(1, 1), S(2, 2)])
    assert list(cols) == ["none", "s1", "s2"]
    assert cols["s2"].count == 3 and cols["s1"].count == 0 and cols["none"].count == 1
    assert cols["s2"].sums == [("USD", Decimal("15.5")), ("EUR", Decimal("7"))]
