"""copyright: notices, copied and paywalled articles."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import fired


@pytest.mark.parametrize("text", [
    "© 2022 Wolters Kluwer. All rights reserved. Pasting the whole table of contents below.",
    "Copying the entire Economist article since it's paywalled: 'Hospitals are...'",
    "For anyone without a subscription, here's the full text of the NYT story 👇",
    "Reposting the full editorial because not everyone has access",
])
def test_copyright_fires(text: str) -> None:
    assert fired(text, "copyright"), text


@pytest.mark.parametrize("text", [
    "Good read on hospital pricing: https://www.nytimes.com/2025/01/01/health/pricing.html",
    "My favourite line from the piece: 'nurses hold the system together.'",
    "Wrote my first blog post about night shift, link in bio",
])
def test_copyright_near_misses_pass(text: str) -> None:
    assert not fired(text, "copyright"), text


def test_uncredited_image_and_own_work() -> None:
    from tests.detectors.helpers import fired as _fired

    assert _fired("found this gorgeous skyline shot online, removed the watermark, it's my banner now",
                  "copyright")
    assert not _fired("New print in my shop! Shot last fall on film. © 2025 Lee Ortiz Photography",
                      "copyright")
    assert _fired("© 2025 Lee Ortiz Photography. All rights reserved.", "copyright")


def test_own_notice_claimed_in_words_passes() -> None:
    from tests.detectors.helpers import fired as _fired

    assert not _fired("Painted this over the weekend 🎨 © 2025 Rosa Lind, all mine, ask before sharing",
                      "copyright")
