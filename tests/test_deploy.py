"""The deploy set-ups: their files parse, name the project's own build command,
publish what it writes, rebuild daily, and their commands pass in a fresh clone.

The fresh-clone test clones the repository's committed state, as a host does,
and runs each set-up's build command exactly as its file writes it (with this
interpreter standing in for `python`).
"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT

from sitegen.cli import make_parser

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

GITHUB_WORKFLOW = REPO_ROOT / ".github" / "workflows" / "deploy.yml"
DAILY_WORKFLOW = REPO_ROOT / ".github" / "workflows" / "daily-rebuild.yml"
GITLAB_CI = REPO_ROOT / ".gitlab-ci.yml"
NETLIFY = REPO_ROOT / "netlify.toml"
CRON = re.compile(r"(\S+\s+){4}\S+")


def has_strict_option() -> bool:
    """Whether `build --strict` exists (placeholder data is then an error)."""
    try:
        make_parser().parse_args(["build", "--strict"])
    except SystemExit:
        return False
    return True


def expected_build(*extra: str) -> list[str]:
    """The command every deploy set-up must run. Once `--strict` exists, these tests ask for it:
    add it where the set-up's comment says, so placeholder data never reaches the live site."""
    return ["python", "build.py", "build", *(["--strict"] if has_strict_option() else []), *extra]


def commands(script) -> list[list[str]]:
    """The shell commands of a `run:`/`script:` value (a string or a list of lines), split into words."""
    lines = script if isinstance(script, list) else str(script).splitlines()
    return [shlex.split(line, comments=True) for line in lines if shlex.split(line, comments=True)]


def build_commands(all_commands: list[list[str]]) -> list[list[str]]:
    return [command for command in all_commands if "build.py" in command]


def _workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def github_build_command() -> list[str]:
    steps = _workflow(GITHUB_WORKFLOW)["jobs"]["build"]["steps"]
    (command,) = build_commands([c for step in steps if "run" in step for c in commands(step["run"])])
    return command


def gitlab_build_command() -> list[str]:
    (command,) = build_commands(commands(_workflow(GITLAB_CI)["pages"]["script"]))
    return command


def netlify_build_command() -> list[str]:
    (command,) = build_commands(commands(tomllib.loads(NETLIFY.read_text(encoding="utf-8"))["build"]["command"]))
    return command


# GitHub Pages ---------------------------------------------------------------------

def test_github_workflow_builds_on_push_to_main_daily_and_by_hand():
    triggers = _triggers(_workflow(GITHUB_WORKFLOW))
    assert triggers["push"] == {"branches": ["main"]}
    (schedule,) = triggers["schedule"]
    assert CRON.fullmatch(schedule["cron"]) and schedule["cron"].split()[2:] == ["*", "*", "*"]  # every day
    assert "workflow_dispatch" in triggers


def test_github_workflow_builds_with_the_project_command_and_publishes_output():
    workflow = _workflow(GITHUB_WORKFLOW)
    assert github_build_command() == expected_build()
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "output"
    install = next(step for step in steps if "requirements.txt" in str(step.get("run", "")))
    assert steps.index(install) < next(i for i, step in enumerate(steps) if "build.py" in str(step.get("run", "")))
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_daily_rebuild_calls_the_hooks_that_are_configured():
    workflow = _workflow(DAILY_WORKFLOW)
    (schedule,) = _triggers(workflow)["schedule"]
    assert CRON.fullmatch(schedule["cron"])
    (step,) = workflow["jobs"]["call-build-hooks"]["steps"]
    assert set(step["env"]) == {"NETLIFY_BUILD_HOOK", "CLOUDFLARE_DEPLOY_HOOK"}
    assert all(value.startswith("${{ secrets.") for value in step["env"].values())
    assert 'if [ -n "$hook" ]' in step["run"] and "curl --fail" in step["run"]


# GitLab Pages and Netlify -----------------------------------------------------------

def test_gitlab_job_builds_into_public_on_the_default_branch():
    job = _workflow(GITLAB_CI)["pages"]
    assert gitlab_build_command() == expected_build("--output", "public")
    assert job["artifacts"]["paths"] == ["public"]
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert any("requirements.txt" in command for command in commands(job["script"]))
    assert "Pipeline schedules" in GITLAB_CI.read_text(encoding="utf-8")  # schedules are set in GitLab


def test_netlify_builds_with_the_project_command_and_publishes_output():
    config = tomllib.loads(NETLIFY.read_text(encoding="utf-8"))
    assert netlify_build_command() == expected_build()
    assert config["build"]["publish"] == "output"
    assert re.fullmatch(r"3\.1[0-9]", config["build"]["environment"]["PYTHON_VERSION"])


# A fresh clone ----------------------------------------------------------------------

def test_each_build_command_passes_in_a_fresh_clone(tmp_path):
    if shutil.which("git") is None or subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse"],
                                                     capture_output=True).returncode != 0:
        pytest.skip("needs git and a repository to clone")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{REPO_ROOT}", str(clone)], check=True,
                   capture_output=True, timeout=120)
    for host, command, folder in (("GitHub Pages", github_build_command(), "output"),
                                  ("GitLab Pages", gitlab_build_command(), "public"),
                                  ("Netlify", netlify_build_command(), "output")):
        assert command[0] == "python"
        shutil.rmtree(clone / folder, ignore_errors=True)
        done = subprocess.run([sys.executable, *command[1:]], cwd=clone, capture_output=True, text=True, timeout=120)
        if "--strict" in command and done.returncode == 1 and "example" in done.stderr.lower():
            # The demo site is full of marked example values, which --strict refuses to publish:
            # nothing is written, and without --strict the same command builds.
            assert not (clone / folder).exists(), f"{host}: a refused build wrote {folder}/"
            command = [word for word in command if word != "--strict"]
            done = subprocess.run([sys.executable, *command[1:]], cwd=clone, capture_output=True, text=True,
                                  timeout=120)
        assert done.returncode == 0, f"{host}: {shlex.join(command)} failed:\n{done.stderr}"
        for published in ("index.html", "404.html", "_headers", "feed.xml"):
            assert (clone / folder / published).is_file(), f"{host}: no {folder}/{published}"
