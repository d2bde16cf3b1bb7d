"""The verbs in-process: what each prints and returns, and the files verify writes."""
import json

from ngproof.cli import main

GREEN = {"01_green.py": '''
    @claim("g.lesson", title="as the lesson says", statement="(x+1)^2 = x^2+1", source=("Sec", "quote"),
           expect="false", tags=("erratum",))
    def _(c):
        c.counterexample({x: 1}, (x + 1) ** 2, x**2 + 1, detail="x = 1")

    @claim("g.corrected", title="corrected", statement="(x+1)^2 = x^2+2x+1", source=("Sec", "quote"),
           corrects="g.lesson", depends_on=("g.lesson",))
    def _(c):
        c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")
'''}


def test_list_json_rows(write_catalogue, capsys):
    assert main(["list", "--json", str(write_catalogue(GREEN))]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"id": "g.lesson", "title": "as the lesson says", "section": "Sec", "expect": "false",
                       "depends_on": [], "tags": ["erratum"]}
    assert rows[1]["depends_on"] == ["g.lesson"]


def test_list_reports_load_errors_and_fails(write_catalogue, capsys):
    directory = write_catalogue({**GREEN, "02_broken.py": "#raw\nraise RuntimeError('half written')\n"})
    assert main(["list", str(directory)]) == 1
    out, err = capsys.readouterr()
    assert "g.corrected" in out and "02_broken.py" in err and "half written" in err


def test_show_prints_the_declaration_and_the_result(write_catalogue, capsys):
    assert main(["show", "g.corrected", str(write_catalogue(GREEN)), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("g.corrected — corrected\n") and "corrects: g.lesson — as the lesson says" in out
    assert "builds on: g.lesson" in out and "Status: ✔ proved, as declared (run now" in out


def test_verify_writes_the_json_report_and_exits_zero(write_catalogue, tmp_path, capsys):
    target = tmp_path / "reports" / "verify.json"
    assert main(["verify", str(write_catalogue(GREEN)), "-j", "1", "-q", "--no-cache", "--seed", "3",
                 "--json", str(target)]) == 0
    report = json.loads(target.read_text())
    assert report["seed"] == 3 and [c["status"] for c in report["claims"]] == ["refuted", "proved"]
    assert [p.name for p in target.parent.iterdir()] == ["verify.json"]  # no temporary left behind
    out, err = capsys.readouterr()
    assert "OK: every outcome as expected" in out and "seed 3" in err


def test_verify_timeout_flag_reaches_every_claim(write_catalogue, tmp_path, capsys):
    directory = write_catalogue({"01_hang.py": '''
        @claim("h.hangs", title="hangs", statement="-", source=("S", "q"))
        def _(c):
            time.sleep(60)
    '''})
    target = tmp_path / "verify.json"
    assert main(["verify", str(directory), "--timeout", "1", "-q", "--no-cache", "--json", str(target)]) == 1
    [claim] = json.loads(target.read_text())["claims"]
    assert claim["status"] == "timeout" and "limit of 1 s" in claim["evidence"][0]["detail"]
    assert "h.hangs: timeout, declared 'holds'" in capsys.readouterr().out


def test_a_syntax_error_alone_fails_the_run_and_names_the_file(write_catalogue, capsys):
    directory = write_catalogue({**GREEN, "02_broken.py": "#raw\ndef broken(:\n"})
    assert main(["verify", str(directory), "-j", "1", "-q", "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 claims: 1 proved, 1 refuted;")  # the good module still ran
    assert "LOAD ERROR" in out and "02_broken.py: line 2: SyntaxError" in out


def test_a_declared_false_claim_that_holds_alone_fails_the_run(write_catalogue, capsys):
    directory = write_catalogue({"01_a.py": '''
        @claim("f.holds", title="declared false, yet true", statement="-", source=("S", "q"), expect="false")
        def _(c):
            c.prove(x + x, 2 * x, scope="all real x")
    '''})
    assert main(["verify", str(directory), "-j", "1", "-q", "--no-cache"]) == 1
    assert "f.holds: proved, declared 'false'" in capsys.readouterr().out


def test_verify_prints_the_summary_first_and_the_detail_only_when_verbose(write_catalogue, capsys):
    directory = str(write_catalogue(GREEN))
    assert main(["verify", directory, "-j", "1", "-q", "--no-cache"]) == 0
    short = capsys.readouterr().out
    assert short.startswith("2 claims: 1 proved, 1 refuted; 1 errata of the lesson, 0 wording notes;")
    assert "  ✗ g.lesson: as the lesson says  → corrected by g.corrected" in short
    assert "lesson says:" not in short and "Claims, section by section" not in short
    assert main(["verify", directory, "-j", "1", "-q", "--no-cache", "--verbose"]) == 0
    full = capsys.readouterr().out
    assert full.index("lesson says:     “quote” (Sec)") < full.index("counterexample:  x = 1") \
        < full.index("corrected by:    g.corrected (proved)") < full.index("Claims, section by section")
    assert "✔ proved       g.corrected — corrected" in full
