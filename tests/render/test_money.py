from __future__ import annotations

from tokentrends.render.formatting import fmt_usd


def test__fmt_usd__the_sign_before_the_dollar():
    assert fmt_usd(-0.075) == "-$0.075"
    assert fmt_usd(1.2) == "$1.200"
    assert fmt_usd(0.01, sign=True) == "+$0.010"
    assert fmt_usd(None) == "n/a"
