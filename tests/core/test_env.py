"""Settings read from the environment: unset or empty means the default."""

from __future__ import annotations

import pytest

from cxmetrics.env import development_secret_key, env_bool, env_int, env_list, env_str


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, True), ("", True), ("1", True), (" Yes ", True), ("on", True), ("0", False)],
)
def test_env_bool(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("CX_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("CX_TEST_FLAG", raw)
    assert env_bool("CX_TEST_FLAG", True) is expected


def test_env_int_list_and_str(monkeypatch):
    monkeypatch.setenv("CX_TEST_INT", "")
    monkeypatch.setenv("CX_TEST_LIST", " a, b,, c ")
    monkeypatch.setenv("CX_TEST_STR", "")
    assert env_int("CX_TEST_INT", 30) == 30
    monkeypatch.setenv("CX_TEST_INT", "45")
    assert env_int("CX_TEST_INT", 30) == 45
    assert env_list("CX_TEST_LIST", ["x"]) == ["a", "b", "c"]
    assert env_str("CX_TEST_STR", "default") == ""
    assert env_str("CX_TEST_UNSET_STR", "default") == "default"


def test_the_development_secret_key_is_made_once_and_kept(tmp_path):
    path = tmp_path / ".secret_key"
    first = development_secret_key(path)
    assert len(first) >= 60
    assert development_secret_key(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
