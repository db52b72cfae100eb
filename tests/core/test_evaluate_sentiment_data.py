"""evaluate_sentiment's data: one pinned sdist, downloaded once, refused unless its hash matches."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management.base import CommandError

from cxmetrics.management.commands import evaluate_sentiment as command


def _serve(monkeypatch, body: bytes) -> list[str]:
    asked: list[str] = []

    def urlopen(url, timeout):
        asked.append(url)
        return io.BytesIO(body)

    monkeypatch.setattr(command.urllib.request, "urlopen", urlopen)
    return asked


def test_a_missing_sdist_is_downloaded_once_and_kept(tmp_path, monkeypatch):
    # given PyPI serving the pinned file
    body = b"the sdist"
    monkeypatch.setattr(command, "SDIST_SHA256", hashlib.sha256(body).hexdigest())
    asked = _serve(monkeypatch, body)

    # when it is fetched twice
    first = command._fetch_sdist(tmp_path / "data")
    again = command._fetch_sdist(tmp_path / "data")

    # then one download, kept under its own name
    assert asked == [command.SDIST_URL]
    assert first == again == tmp_path / "data" / "vaderSentiment-3.3.2.tar.gz"
    assert first.read_bytes() == body


def test_a_download_with_another_hash_is_refused_and_not_kept(tmp_path, monkeypatch):
    # given an altered file behind the address
    _serve(monkeypatch, b"not the sdist")

    # when / then
    with pytest.raises(CommandError, match=command.SDIST_SHA256):
        command._fetch_sdist(tmp_path)
    assert not (tmp_path / command.SDIST).exists()


def test_a_kept_copy_with_another_hash_is_refused_without_downloading(tmp_path, monkeypatch):
    # given a truncated copy from an earlier run
    (tmp_path / command.SDIST).write_bytes(b"trunc")
    asked = _serve(monkeypatch, b"unused")

    # when / then
    with pytest.raises(CommandError, match="expected 5d7c06e027fc8b99"):
        command._fetch_sdist(tmp_path)
    assert asked == []
