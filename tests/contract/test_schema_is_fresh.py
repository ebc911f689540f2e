"""schema/ is generated from code and checked in; it must equal what the code prints now."""

from __future__ import annotations

import pytest

from infra.dev.schema import check_schema


@pytest.mark.slow
def test_checked_in_schema_matches_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    status = check_schema()
    assert status == 0, capsys.readouterr().out
