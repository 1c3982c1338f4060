"""The committed model artifacts: they load without scikit-learn and score sensibly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from clearpost.detectors.models import MODEL_NAMES, get_model, models_dir


def test_artifacts_are_small_and_documented() -> None:
    files = [models_dir() / f"{n}.npz" for n in MODEL_NAMES]
    assert all(f.is_file() for f in files)
    assert sum(f.stat().st_size for f in files) < 20_000_000
    recipe = (models_dir() / "RECIPE.md").read_text(encoding="utf-8")
    assert "sha256" in recipe and "Held-out scores" in recipe


@pytest.mark.parametrize(("name", "positive", "negative"), [
    ("offensive", "@USER you are a fucking idiot", "Had a lovely walk in the park with my mom"),
    ("hate", "immigrants are criminals and should all be deported",
     "Our interpreters help immigrant families every day"),
    ("targeted", "@USER you are a pathetic loser and everyone hates you", "shit shit shit I missed the bus"),
    ("advice", "you should definitely ask for a second opinion before surgery",
     "I went to the store and bought some apples today"),
])
def test_models_score_known_inputs(name: str, positive: str, negative: str) -> None:
    model = get_model(name)
    assert model is not None
    assert 0.0 <= model.score(negative) < model.score(positive) <= 1.0
    if name != "targeted":  # targeted is a weak tie-breaker (RECIPE.md); only its order counts
        assert model.positive(positive)
        assert not model.positive(negative)


def test_scoring_does_not_import_scikit_learn() -> None:
    code = ("import sys; from clearpost.detectors.models import conduct_scores; "
            "s = conduct_scores('you are an idiot'); assert s is not None; "
            "assert 'sklearn' not in sys.modules and 'scipy' not in sys.modules; print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr


def test_checking_a_plain_post_does_not_load_models() -> None:
    code = ("import sys; from clearpost.engine import check; "
            "r = check('hello, lovely day'); assert r.verdict == 'pass'; "
            "import clearpost.detectors.models as m; assert not m._CACHE, m._CACHE; print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr
