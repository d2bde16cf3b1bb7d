"""Reports are written whole or not at all."""
import pytest

from ngproof.engine.atomic import write_atomic


def test_writes_the_file_and_its_directories(tmp_path):
    target = tmp_path / "reports" / "deep" / "verify.json"
    assert write_atomic(target, "{}\n") == target
    assert target.read_text() == "{}\n"
    assert [p.name for p in target.parent.iterdir()] == ["verify.json"]


def test_replaces_an_existing_file(tmp_path):
    target = tmp_path / "r.txt"
    target.write_text("old")
    write_atomic(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "r.txt"
    target.write_text("old report")
    with pytest.raises(TypeError):
        write_atomic(target, None)  # fails inside the write, after the temporary exists
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_failed_write_never_leaves_a_half_file(tmp_path, monkeypatch):
    target = tmp_path / "r.txt"

    def interrupted_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("ngproof.engine.atomic.os.replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "x" * 100_000)
    assert list(tmp_path.iterdir()) == []
