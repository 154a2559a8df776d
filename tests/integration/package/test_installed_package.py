"""The wheel and sdist install into fresh virtual environments and work there: `import
stepwell`, a one-step pipeline run, the `stepwell` command and `python -m stepwell`, on every
supported Python version this machine has (the missing ones are listed at the end)."""

import email
import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import pytest
from package_builds import SUPPORTED_PYTHONS, uv, venv_python

ONE_STEP_PIPELINE = textwrap.dedent(
    """
    import sys

    from stepwell import pipeline, step


    @step
    def add(a: int, b: int) -> int:
        print("adding on %d.%d" % sys.version_info[:2])
        return a + b


    @pipeline
    def sum_pipeline():
        add(1, 2)


    if __name__ == "__main__":
        import stepwell

        run = sum_pipeline()
        print("RESULT", run.status.value, run.steps["add"].output.load(), stepwell.__file__)
    """
)


def _run(venv, tmp_path, *command):
    """Run a command of the venv as a user would: its bin first on PATH, a home of its own,
    nothing of this source tree on the path, from a project folder outside the tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STEPWELL_"))}
    env["PATH"] = f"{venv_python(venv).parent}{os.pathsep}{env.get('PATH', '')}"
    env["STEPWELL_HOME"] = str(tmp_path / "home")
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    return subprocess.run(
        list(command), cwd=project, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("version", SUPPORTED_PYTHONS)
def test_wheel_installs_and_runs_a_one_step_pipeline(version, dists, python_or_report, tmp_path):
    python = python_or_report(version)
    if python is None:
        return  # recorded: listed at the end of the test output, or a failure if required
    venv = tmp_path / "venv"
    uv("venv", "--quiet", "--python", python, str(venv))
    uv("pip", "install", "--quiet", "--python", str(venv_python(venv)), str(dists["wheel"]))
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "one_step.py").write_text(ONE_STEP_PIPELINE)

    ran = _run(venv, tmp_path, str(venv_python(venv)), "one_step.py")
    assert ran.returncode == 0, ran.stderr
    assert f"adding on {version}" in ran.stdout
    status, value, module_file = ran.stdout.split("RESULT ")[1].split()
    assert (status, value) == ("completed", "3")
    assert module_file.startswith(str(venv))  # the installed wheel, not this source tree

    # Without the `cli` extra the command says what to install.
    bare = _run(venv, tmp_path, str(venv_python(venv)), "-m", "stepwell", "--help")
    assert bare.returncode == 1
    assert "needs the 'cli' extra" in bare.stderr

    extra = f"stepwell[cli] @ {dists['wheel'].as_uri()}"
    uv("pip", "install", "--quiet", "--python", str(venv_python(venv)), extra)
    for command in (["stepwell", "--help"], [str(venv_python(venv)), "-m", "stepwell", "--help"]):
        shown = _run(venv, tmp_path, *command)
        assert shown.returncode == 0, shown.stderr
        assert "Usage" in shown.stdout and "pipeline" in shown.stdout
    listed = _run(venv, tmp_path, "stepwell", "pipeline", "runs", "list", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    assert "sum_pipeline" in listed.stdout


def test_sdist_holds_the_sources_and_no_caches(dists):
    with tarfile.open(dists["sdist"]) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    for required in ("pyproject.toml", "README.md", "src/stepwell/__init__.py"):
        assert required in names
    assert not [n for n in names if n.startswith(".hypothesis") or "__pycache__" in n]


def test_sdist_installs_into_a_fresh_venv(dists, tmp_path):
    venv = tmp_path / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(venv))  # the tests' own Python
    uv("pip", "install", "--quiet", "--python", str(venv_python(venv)), str(dists["sdist"]))
    check = "import stepwell, pathlib; print(pathlib.Path(stepwell.__file__).parent)"
    shown = _run(venv, tmp_path, str(venv_python(venv)), "-c", check)
    assert shown.returncode == 0, shown.stderr
    package = shown.stdout.strip()
    assert package.startswith(str(venv))
    assert os.path.exists(os.path.join(package, "py.typed"))


def test_wheel_metadata_names_supported_pythons_license_and_command(dists):
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        metadata = email.message_from_bytes(wheel.read("stepwell-0.1.0.dist-info/METADATA"))
        entry_points = wheel.read("stepwell-0.1.0.dist-info/entry_points.txt").decode()
        names = wheel.namelist()
    classifiers = metadata.get_all("Classifier")
    versions = [c.rsplit(" :: ", 1)[1] for c in classifiers if c.count("::") == 2 and "3." in c]
    assert tuple(versions) == SUPPORTED_PYTHONS
    assert metadata["Requires-Python"] == f">={SUPPORTED_PYTHONS[0]}"
    assert "License :: OSI Approved :: Apache Software License" in classifiers
    assert "Typing :: Typed" in classifiers and "stepwell/py.typed" in names
    assert not [u for u in metadata.get_all("Project-URL") or [] if ".invalid" in u]
    assert "stepwell = stepwell.cli:main" in entry_points
    assert "stepwell/__main__.py" in names
