"""The Python patterns that run on cell text are linear (issue 18, item 3): each of these 1 MB
inputs used to be quadratic (hours); they must answer like short ones. No timing assertion —
a regression shows as a test that never ends."""

from __future__ import annotations

from datos_cali.quality.personal_data import lookalikes, patterns

MEGA = 1024 * 1024


def test_the_email_pattern_does_not_retry_a_long_run_from_each_position():
    email = patterns.EMAIL.python()
    assert email.search("1" * MEGA) is None
    assert [m.group() for m in email.finditer("ana@example.com " + "1." * (MEGA // 2))] == [
        "ana@example.com"
    ]
    assert email.search("x" + "1" * MEGA + "@example.com").group().endswith("1@example.com")


def test_the_at_and_dot_splitters_start_at_the_start_of_blanks():
    assert lookalikes._AT.split(" " * MEGA) == [" " * MEGA]
    assert lookalikes._AT.split("ana  @  cali.gov.co") == ["ana", "cali.gov.co"]
    assert lookalikes._DOT.sub(".", "cali [punto] gov " + " " * MEGA) == "cali.gov " + " " * MEGA
