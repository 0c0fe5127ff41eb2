"""The pre-commit hooks, installed from this checkout by the real pre-commit."""

import os
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
TORCH = "import torch.nn as nn\n\nbn = nn.BatchNorm2d(64, momentum=0.01)\n"
CONVERTED = "import mindspore\n\nbn = mindspore.nn.BatchNorm2d(64, momentum=0.99)\n"


def git(repo, *args, env=None):
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env)


def pre_commit(repo, *args, env):
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, capture_output=True, text=True, env=env)


def test_hook_rewrites_fails_the_commit_then_passes(tmp_path):
    assert (CHECKOUT / ".git").exists(), "the hook test needs this checkout to be a git repository"
    repo = tmp_path / "project"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    git(repo, "init", "-q", env=env)
    (repo / "model.py").write_text(TORCH)
    (repo / "pyproject.toml").write_text("[tool.bnport]\nextend-exclude = ['vendored']\n")
    (repo / "vendored").mkdir()
    (repo / "vendored" / "third_party.py").write_text(TORCH)
    git(repo, "add", ".", env=env)

    # try-repo: the hook from this checkout (with its uncommitted changes), on the staged files.
    tried = pre_commit(repo, "try-repo", str(CHECKOUT), "bnport", "--files", "model.py", "vendored/third_party.py", env=env)
    assert tried.returncode == 1, tried.stdout + tried.stderr
    assert "files were modified by this hook" in tried.stdout
    assert (repo / "model.py").read_text() == CONVERTED
    assert (repo / "vendored" / "third_party.py").read_text() == TORCH  # --force-exclude: config excludes hold

    # The same hook as a git hook: the first commit fails after rewriting, the next one passes.
    (repo / "model.py").write_text(TORCH)
    revision = git(CHECKOUT, "rev-parse", "HEAD").stdout.strip()
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {CHECKOUT}\n    rev: {revision}\n    hooks:\n      - id: bnport\n")
    git(repo, "add", ".", env=env)
    installed = pre_commit(repo, "install", env=env)
    assert installed.returncode == 0, installed.stderr
    first = git(repo, "commit", "-q", "-m", "add model", env=env)
    assert first.returncode != 0 and (repo / "model.py").read_text() == CONVERTED, first.stdout + first.stderr
    git(repo, "add", "model.py", env=env)
    second = git(repo, "commit", "-q", "-m", "add model", env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert git(repo, "show", "HEAD:model.py").stdout == CONVERTED

    # A warning needs a person: the hook writes its marker and fails; the commit keeps failing (the
    # marker is reported as open) until the marker is suppressed, then it passes.
    (repo / "frozen.py").write_text("import torch.nn as nn\n\nbn = nn.BatchNorm2d(64, bias=False)\n")
    git(repo, "add", "frozen.py", env=env)
    third = git(repo, "commit", "-q", "-m", "frozen", env=env)
    marked = (repo / "frozen.py").read_text()
    assert third.returncode != 0 and "# bnport: TBN102 removed bias=False" in marked, third.stdout + third.stderr
    git(repo, "add", "frozen.py", env=env)
    fourth = git(repo, "commit", "-q", "-m", "frozen", env=env)
    assert fourth.returncode != 0 and "TBN102 warning" in fourth.stdout + fourth.stderr
    assert (repo / "frozen.py").read_text() == marked  # reported again, not written twice
    (repo / "frozen.py").write_text(marked.replace("# bnport: TBN102", "# bnport: ignore[TBN102]"))
    git(repo, "add", "frozen.py", env=env)
    fifth = git(repo, "commit", "-q", "-m", "frozen", env=env)
    assert fifth.returncode == 0, fifth.stdout + fifth.stderr


def test_hook_on_the_importer_alone_uses_the_project(tmp_path):
    """Only the file that uses the project's alias is staged: the hook still sees the module that
    defines it (the project root is the repository), converts the importer's calls once and marks
    the import, so a second commit of the file changes nothing."""
    repo = tmp_path / "project"
    (repo / "zoo").mkdir(parents=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    git(repo, "init", "-q", env=env)
    (repo / "zoo" / "__init__.py").write_text("")
    (repo / "zoo" / "layers.py").write_text("import torch\n\nBatchNorm2d = torch.nn.BatchNorm2d\n")
    git(repo, "add", ".", env=env)
    git(repo, "commit", "-q", "-m", "layers", "--no-verify", env=env)
    model = repo / "zoo" / "model.py"
    model.write_text("from zoo.layers import BatchNorm2d\n\nbn = BatchNorm2d(8, momentum=0.01)\n")
    git(repo, "add", "zoo/model.py", env=env)

    tried = pre_commit(repo, "try-repo", str(CHECKOUT), "bnport", "--files", "zoo/model.py", env=env)
    assert tried.returncode == 1 and "files were modified by this hook" in tried.stdout, tried.stdout + tried.stderr
    assert model.read_text() == ("from zoo.layers import BatchNorm2d  # bnport: converted\n\n"
                                 "bn = BatchNorm2d(8, momentum=0.99)\n")
    assert (repo / "zoo" / "layers.py").read_text() == "import torch\n\nBatchNorm2d = torch.nn.BatchNorm2d\n"
    git(repo, "add", "zoo/model.py", env=env)
    again = pre_commit(repo, "try-repo", str(CHECKOUT), "bnport", "--files", "zoo/model.py", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
