"""The command line as a user meets it: one clear line and a non-zero exit on bad input, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT
from tokentrends.errors import OUTPUT_CLOSED


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokentrends", *args], capture_output=True, text=True, cwd=ROOT)


def test__cli__bad_row_names_file_row_and_reason(tmp_path):
    (tmp_path / "r.csv").write_text("date,model_permaslug,total_tokens\n2025-01-02,a/x,12\n2025-01-02,b/y,-4\n")
    result = run("report", "--data-dir", str(tmp_path), "--reports-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'r.csv'}, row 3: total_tokens '-4' is negative"
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


def test__cli__missing_folder_and_unknown_year(tmp_path):
    missing = run("report", "--data-dir", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "nope: no such folder" in missing.stderr  # issue 14 class 16
    (tmp_path / "r.csv").write_text("date,model_permaslug,total_tokens\n2025-01-02,a/x,12\n")
    year = run("report", "--data-dir", str(tmp_path), "--year", "2031", "--reports-dir", str(tmp_path / "out"))
    assert year.returncode == 2 and "no data for year(s) [2031]" in year.stderr
    bad_year = run("report", "--year", "twenty")
    assert bad_year.returncode == 2 and "YEAR must be a year" in bad_year.stderr
    assert "Traceback" not in missing.stderr + year.stderr + bad_year.stderr


def test__cli__edited_vintage_is_refused(tmp_path):
    import json

    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "rankings-daily.csv").write_text("date,model_permaslug,total_tokens\n2025-01-02,a/x,12\n")
    (folder / "provenance.json").write_text(
        json.dumps({"kind": "rankings-daily", "as_of": "2025-01-03", "sha256": "0" * 64})
    )
    result = run("prepare", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "sha256 differs from provenance.json" in result.stderr


def test__cli__top_n_is_capped_at_the_apis_50(tmp_path):
    for value in ("100000", "0", "51"):
        result = run("report", "--top-n", value, "--reports-dir", str(tmp_path / "out"))
        assert result.returncode == 2, value
        assert "TOP_N must be from 1 to 50" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


INTERRUPTED_WHILE_LOADING = """
import runpy, sys

class CtrlC:  # a Ctrl-C while the command line's modules load (the first ~0.5 s of every command)
    def find_spec(self, name, path=None, target=None):
        if name == "tokentrends.cli":
            raise KeyboardInterrupt

sys.meta_path.insert(0, CtrlC())
sys.argv = ["tokentrends", "report"]
runpy.run_module("tokentrends", run_name="__main__")
"""


def test__cli__a_ctrl_c_while_the_modules_load_is_one_line_and_exit_130():
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_WHILE_LOADING], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 130
    assert done.stderr.strip() == "interrupted: nothing half-written is kept; run the same command again to resume"


INTERRUPTED_IN_GENERATED_CODE = """
import runpy, sys
import tokentrends.cli

def build_reports(*args, **kwargs):  # a Ctrl-C while code made from a string runs (a dataclass being made, say)
    exec("raise KeyboardInterrupt")

tokentrends.cli.build_reports = build_reports
sys.argv = ["tokentrends", "report"]
runpy.run_module("tokentrends", run_name="__main__", alter_sys=True)
"""


def test__cli__a_ctrl_c_in_code_made_from_a_string_still_exits_130_under_python_m(tmp_path):
    """`python -m` exits by SIGINT (-2, not 130) after any KeyboardInterrupt that passed through exec/eval of a
    string, caught or not (CPython's flag for an unhandled Ctrl-C): 3 builds of 20 Ctrl-C'd 0.2 s in did."""
    (tmp_path / "ctrl_c_in_exec.py").write_text(INTERRUPTED_IN_GENERATED_CODE)
    done = subprocess.run(
        [sys.executable, "-m", "ctrl_c_in_exec"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])},
    )
    assert done.returncode == 130
    assert done.stderr.strip() == "interrupted: nothing half-written is kept; run the same command again to resume"


CTRL_C_AS_THE_INTERPRETER_ENDS = """
import atexit, os, signal, sys, time
import tokentrends.cli

def main(argv=None):
    print("done")
    return 0

def ctrl_c_at_exit():  # a Ctrl-C once the command is done, as the interpreter shuts down (~0.1 s after a build)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.05)

tokentrends.cli.main = main
atexit.register(ctrl_c_at_exit)
import runpy
runpy.run_module("tokentrends", run_name="__main__")
"""


def test__cli__a_ctrl_c_after_the_command_is_done_leaves_its_exit_status(tmp_path):
    """The command finished and said so: a Ctrl-C as the interpreter ends changes nothing (it ended the process by
    SIGINT, status -2 with no line, 8 times in 8 within 100 ms of "reports ready")."""
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_AS_THE_INTERPRETER_ENDS], capture_output=True, text=True, cwd=ROOT
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "done", "")


def test__cli__output_piped_into_a_reader_that_ends_is_one_line_and_exit_141(tmp_path):
    """`... | head -1`: the command stops as a SIGPIPE would stop it, with one line on stderr, not "cannot use"."""
    command = [sys.executable, "-m", "tokentrends", "sample", "--out", str(tmp_path / "sample")]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    child.stdout.close()  # the reader ends before the command prints its line
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 141
    assert stderr.strip() == OUTPUT_CLOSED and "Traceback" not in stderr and "Exception ignored" not in stderr


def test__years__a_year_given_twice_is_built_once():
    from tokentrends.cli import _years

    assert _years("2026,2025 2025") == [2025, 2026]
    assert _years("all") is None
