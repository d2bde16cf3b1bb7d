"""Finding theorem modules and building the registry; broken modules are reported, never fatal."""
import sys

import pytest

from ngproof.engine.discovery import course_catalogue, default_catalogue, discover, theorem_files

ONE = '''
    @claim("{id}", title="t", statement="s", source=("S", "q"))
    def _(c):
        c.prove(x, x, scope="all x")
'''


def test_syntax_error_is_reported_with_file_and_line_and_the_rest_loads(write_catalogue):
    directory = write_catalogue({
        "01_good.py": ONE.format(id="a.good"),
        "02_broken.py": "#raw\nx = 1\ndef broken(:\n",
        "03_later.py": ONE.format(id="a.later"),
    })
    catalogue = discover([directory])
    assert [c.id for c in catalogue.claims] == ["a.good", "a.later"]
    [error] = catalogue.load_errors
    assert error.path.endswith("02_broken.py") and error.message.startswith("line 3: SyntaxError")


def test_a_module_failing_at_import_is_a_load_error(write_catalogue):
    directory = write_catalogue({"01_a.py": ONE.format(id="a.a") + "\n    import no_such_module_here\n"})
    catalogue = discover([directory])
    assert catalogue.claims == []  # a half-loaded module contributes nothing
    [error] = catalogue.load_errors
    assert "ModuleNotFoundError" in error.message and error.path.endswith("01_a.py")


def test_duplicate_ids_are_a_load_error_naming_both_files_and_neither_runs(write_catalogue):
    directory = write_catalogue({"01_a.py": ONE.format(id="same.id"), "02_b.py": ONE.format(id="same.id")})
    catalogue = discover([directory])
    first, second = catalogue.load_errors
    assert first.path.endswith("01_a.py") and second.path.endswith("02_b.py")
    assert "'same.id' is declared 2 times" in first.message and "none of them runs" in first.message
    assert "01_a.py:line" in first.message and "02_b.py:line" in first.message
    assert catalogue.claims == []


def test_unknown_references_are_load_errors_and_those_claims_do_not_run(write_catalogue):
    header = "from ngproof import claim\n"
    body = ('@claim("{id}", title="t", statement="s", source=("S", "q"), {extra})\n'
            'def _(c):\n    c.observe(True, detail="ran")\n\n')
    directory = write_catalogue({"01_a.py": header + body.format(id="a.ok", extra="")
                                 + body.format(id="a.dep", extra='depends_on=("a.missing",)')
                                 + body.format(id="a.fix", extra='corrects="a.nowhere"')})
    catalogue = discover([directory])
    assert [c.id for c in catalogue.claims] == ["a.ok"]
    messages = sorted(e.message for e in catalogue.load_errors)
    assert "'a.dep' refers to 'a.missing' (no such claim); it does not run" in messages[0]
    assert "'a.fix' refers to 'a.nowhere' (no such claim)" in messages[1]
    assert all(m.startswith("line ") for m in messages)


def test_files_load_in_name_order_recursively_skipping_private_ones(write_catalogue):
    directory = write_catalogue({
        "10_b.py": ONE.format(id="b"), "02_a.py": ONE.format(id="a"), "_helpers.py": "#raw\nraise SystemError\n",
    })
    (directory / "sub").mkdir()
    (directory / "sub" / "30_c.py").write_text((directory / "02_a.py").read_text().replace('"a"', '"c"'))
    (directory / "_private").mkdir()
    (directory / "_private" / "01_x.py").write_text("raise SystemError\n")
    (directory / "notes.txt").write_text("not a module")
    catalogue = discover([directory])
    assert [c.id for c in catalogue.claims] == ["a", "b", "c"] and not catalogue.load_errors


def test_single_files_and_missing_paths(write_catalogue, tmp_path):
    directory = write_catalogue({"01_a.py": ONE.format(id="a")})
    assert theorem_files([directory / "01_a.py"]) == [directory / "01_a.py"]
    with pytest.raises(FileNotFoundError, match="no theorem module or directory"):
        theorem_files([tmp_path / "missing.py"])


def test_modules_load_under_private_names(write_catalogue):
    # Two catalogues with the same file name, and a module named like a common package: no clash.
    first = write_catalogue({"theorems.py": ONE.format(id="first")})
    second = write_catalogue({"theorems.py": ONE.format(id="second")})
    catalogue = discover([first, second])
    assert [c.id for c in catalogue.claims] == ["first", "second"]
    assert all(c.module.startswith("ngproof_catalogue_") for c in catalogue.claims)
    assert "theorems" not in sys.modules or not hasattr(sys.modules["theorems"], "_")


def test_uncheckable_passages_are_collected(write_catalogue):
    directory = write_catalogue({"01_a.py": '''
        from ngproof import uncheckable
        uncheckable("Pitfalls", "arguably more principled", "an opinion")
    '''})
    [passage] = discover([directory]).uncheckable
    assert passage.reason == "an opinion" and passage.source.section == "Pitfalls"


def test_default_catalogue_is_the_packaged_one(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # found beside the package, not through the working directory
    directory = default_catalogue()
    assert directory.is_absolute() and (directory / "05_bernoulli.py").is_file()
    assert theorem_files([directory])  # what discover() loads when given no paths


def test_a_failure_inside_a_library_is_located_in_the_theorem_module(write_catalogue):
    directory = write_catalogue({"01_a.py": "#raw\nimport sympy as sp\n\nsp.Matrix([[1, 2]]) * sp.Matrix([[1, 2]])\n"})
    [error] = discover([directory]).load_errors
    assert error.message.startswith("line 4: ShapeError")


def test_a_command_without_a_path_works_on_the_course_around_the_working_directory(tmp_path):
    lesson = tmp_path / "course" / "theorems" / "07-01"
    lesson.mkdir(parents=True)
    (lesson / "lesson.toml").write_text('id = "07-01"\n')
    (tmp_path / "course" / ".git").mkdir()
    for inside in (tmp_path / "course", lesson.parent, lesson):
        assert course_catalogue(inside) == lesson.parent
    alone = tmp_path / "alone" / "l-1"
    alone.mkdir(parents=True)
    (alone / "lesson.toml").write_text('id = "l-1"\n')
    assert course_catalogue(alone) == alone  # a lesson folder of its own, no theorems/ around it
    # outside any course: the packaged catalogue (the walk stops at the repository root)
    (tmp_path / "elsewhere" / ".git").mkdir(parents=True)
    assert course_catalogue(tmp_path / "elsewhere") == default_catalogue()
