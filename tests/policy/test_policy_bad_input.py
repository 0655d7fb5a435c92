"""Bad policy files beyond the corpus in tests/bad_input/policy/ (run by tests/bad_input/test_bad_input.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from selector.errors import PolicyError
from selector.policy import PolicyVocabulary, load_policy

CASES = Path(__file__).resolve().parent.parent / "bad_input" / "policy"


def test_errors_carry_structured_fields(vocabulary: PolicyVocabulary) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(CASES / "unknown_key_require.yaml", vocabulary)
    error = caught.value
    assert (error.file, error.line, error.key) == (str(CASES / "unknown_key_require.yaml"), 5, "require.residncy")
    assert error.problem == "unknown key"
    assert error.hint == "did you mean 'residency'?"


def test_huge_file_is_refused_before_reading(tmp_path: Path, vocabulary: PolicyVocabulary) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.write(b"version: 1\n")
        stream.truncate(50 * 1024 * 1024)
    with pytest.raises(PolicyError) as caught:
        load_policy(path, vocabulary)
    assert caught.value.one_line() == (
        f"{path}: file is too large (52428800 bytes; the limit is 1000000); a policy or rule file is a few kilobytes"
    )


def test_directory_is_refused(tmp_path: Path, vocabulary: PolicyVocabulary) -> None:
    folder = tmp_path / "policy.yaml"
    folder.mkdir()
    with pytest.raises(PolicyError) as caught:
        load_policy(folder, vocabulary)
    assert caught.value.one_line() == f"{folder}: is a directory, not a file"


def test_missing_file_is_refused(tmp_path: Path, vocabulary: PolicyVocabulary) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(path, vocabulary)
    assert caught.value.one_line() == f"{path}: file not found"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_refused(tmp_path: Path, vocabulary: PolicyVocabulary) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("version: 1\n")
    path.chmod(0)
    try:
        with pytest.raises(PolicyError, match="cannot read the file"):
            load_policy(path, vocabulary)
    finally:
        path.chmod(0o600)


def test_hostile_jurisdiction_error_stays_on_one_line(write_policy, vocabulary: PolicyVocabulary) -> None:
    path = write_policy('version: 1\nrequire:\n  residency: "EU\\r\\n} ; DROP ALL ;\\n#"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy(path, vocabulary)
    line = caught.value.one_line()
    assert "\n" not in line and "\r" not in line
    assert line.startswith(f"{path}:3: require.residency: unknown jurisdiction 'EU\\r\\n}}")
