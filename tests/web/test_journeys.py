"""Each role's main journeys, end to end in headless Chromium against the real service."""

from __future__ import annotations

import json
import re
import statistics
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Synthetic drafts written for these tests (no real people, no seed text).
RISKY = "Lovely chat with Mr. Brandvold in room 1418 after his radiation session today"
SAFE_FIX = "Lovely chat with a patient after a treatment session today"


def _type_and_wait(page: Any, text: str) -> float:
    """Type `text` into the post box; return ms from the last keystroke to the result shown."""
    page.evaluate("""() => {
        const box = document.getElementById('post-text');
        window.__lastKey = 0;
        if (!window.__keyHooked) {
            box.addEventListener('input', () => { window.__lastKey = performance.now(); });
            window.__keyHooked = true;
        }
    }""")
    box = page.get_by_label("Your post")
    box.fill("")
    box.press_sequentially(text, delay=15)
    page.wait_for_function("""() => {
        const r = document.getElementById('result');
        const t = parseFloat(r.getAttribute('data-swapped-at') || '0');
        return window.__lastKey > 0 && t > window.__lastKey;
    }""", timeout=10_000)
    return float(page.evaluate("""() =>
        parseFloat(document.getElementById('result').getAttribute('data-swapped-at'))
        - window.__lastKey"""))


def test_employee_checks_a_post_and_fixes_it(signed_in: Any) -> None:
    page = signed_in("employee")
    page.goto("/check")
    latency = _type_and_wait(page, RISKY)
    result = page.locator("#result")
    assert result.locator("[data-verdict]").get_attribute("data-verdict") == "block"
    # Evidence highlighted in place, each finding with its section title and fix.
    marks = result.locator("mark")
    assert marks.count() >= 2
    assert "Brandvold" in " ".join(marks.all_inner_texts())
    finding = result.locator("li.finding[data-rule='phi']")
    assert finding.count() == 1
    assert "Keep confidential things confidential" in finding.inner_text()
    assert "Fix:" in finding.inner_text()
    safe = result.locator("#safe-text").input_value()
    assert "Brandvold" not in safe and "[NAME]" in safe
    result.get_by_role("button", name="Copy the safe version").click()
    page.wait_for_function("() => document.querySelector('[data-copy-status]').textContent.length > 0")
    # The fix: rewrite the post; the verdict clears.
    latencies = [latency, _type_and_wait(page, SAFE_FIX)]
    assert result.locator("[data-verdict]").get_attribute("data-verdict") == "pass"
    assert result.locator("mark").count() == 0
    # A few more drafts, for the latency figure (reported in docs/benchmarks.md, not asserted).
    for text in ("Proud of our radiology team this week",
                 "Big news soon at work, can't say more yet!",
                 "Anyone know a good ramen place near the office?",
                 "Take 800 mg of ibuprofen every four hours for that knee, trust me",
                 "Our new imaging suite looks great, come visit"):
        latencies.append(_type_and_wait(page, text))
    ARTIFACTS.mkdir(exist_ok=True)
    figures = {"samples": len(latencies), "median_ms": round(statistics.median(latencies), 1),
               "max_ms": round(max(latencies), 1), "all_ms": [round(x, 1) for x in latencies]}
    (ARTIFACTS / "web-check-latency.json").write_text(json.dumps(figures, indent=1))
    print(f"\ncheck page: last keystroke -> result shown: {figures}")


def test_department_request_manager_then_marcomm_then_registry(signed_in: Any) -> None:
    employee = signed_in("employee")
    employee.goto("/my/account-request")
    employee.get_by_label("Platform").select_option("tiktok")
    employee.get_by_label("Account name").fill("Imaging Explained")
    employee.get_by_label("Proposed handle").fill("@imaging_explained_test")
    employee.get_by_label("Audience").fill("teenagers curious about science")
    employee.get_by_label("Purpose").fill("Short videos that explain how scanners work.")
    employee.get_by_role("button", name="Send for approval").click()
    employee.wait_for_url(re.compile(r"/items/account-requests/\d+"))
    item_url = employee.url.split("?")[0]
    assert employee.locator("[data-state]").first.get_attribute("data-state") == "awaiting_manager"

    manager = signed_in("manager")
    manager.goto("/approvals")
    card = manager.locator("section.card", has_text="Imaging Explained")
    assert card.count() == 1
    assert card.locator("[data-verdict]").count() == 1  # the automatic check beside it
    card.get_by_role("link", name="Decide").click()
    manager.get_by_label("Comment").fill("Fine by me.")
    manager.get_by_role("button", name="Approve").click()
    manager.wait_for_load_state()
    assert manager.locator("[data-state]").first.get_attribute("data-state") == "awaiting_marcomm"

    marcomm = signed_in("marcomm")
    marcomm.goto("/queues?kind=account-requests")
    marcomm.get_by_role("link", name=re.compile("Imaging Explained")).click()
    # Approval without the checklist is refused with a clear message, not an error page.
    marcomm.get_by_role("button", name="Approve").click()
    assert "branding checklist" in marcomm.locator(".notice.error").inner_text()
    for box in marcomm.locator("fieldset input[type=checkbox]").all():
        box.check()
    reviewed = marcomm.get_by_label("I reviewed the overlapping accounts")
    if reviewed.count():
        reviewed.check()
    marcomm.get_by_label("Comment").fill("Welcome aboard.")
    marcomm.get_by_role("button", name="Approve").click()
    marcomm.wait_for_load_state()
    assert marcomm.locator("[data-state]").first.get_attribute("data-state") == "approved"

    marcomm.goto("/registry?q=imaging")
    assert marcomm.locator("table", has_text="@imaging_explained_test").count() == 1
    employee.goto(item_url)
    history = employee.locator(".timeline").inner_text()
    assert "Fine by me." in history and "Welcome aboard." in history


def test_media_item_is_approved(signed_in: Any) -> None:
    employee = signed_in("employee")
    employee.goto("/my/media")
    value = employee.locator("#account_id option", has_text="Demo Radiology").first.get_attribute("value")
    employee.get_by_label("Account").select_option(value)
    employee.get_by_label("File names").fill("team-lunch.jpg")
    employee.get_by_label("Caption").fill("Our team at the department lunch")
    employee.get_by_role("button", name="Send for approval").click()
    employee.wait_for_url(re.compile(r"/items/media/\d+"))
    item_path = employee.url.split("?")[0].replace(employee.url.split("/items/")[0], "")

    marcomm = signed_in("marcomm")
    marcomm.goto("/queues?kind=media")
    assert marcomm.locator(f"a[href='{item_path}']").count() == 1
    marcomm.goto(item_path)
    assert marcomm.locator("#check-h").count() == 1
    marcomm.get_by_role("button", name="Approve").click()
    marcomm.wait_for_load_state()
    assert marcomm.locator("[data-state]").first.get_attribute("data-state") == "approved"
    approval_id = marcomm.locator("[data-approval-id]").inner_text()
    assert re.match(r"^[A-Z]+-\d{4}-\d{5}-[0-9A-F]{4}$", approval_id)


def test_report_is_triaged_and_resolved(signed_in: Any) -> None:
    employee = signed_in("employee")
    employee.goto("/report")
    employee.get_by_label("The post's text").fill("Patient Ms. Quillfeather in bed 12 finally went home")
    employee.get_by_label("Whose post is it?").fill("a colleague's public account")
    employee.get_by_label("What did you see?").fill("A post naming a patient.")
    employee.get_by_label("Keep my name from the person and their supervisor").check()
    employee.get_by_role("button", name="Send report").click()
    employee.wait_for_url(re.compile(r"/items/reports/\d+"))
    item_path = "/items/" + employee.url.split("/items/")[1].split("?")[0]

    marcomm = signed_in("marcomm")
    marcomm.goto("/queues?kind=reports")
    row = marcomm.locator("tr", has=marcomm.locator(f"a[href='{item_path}']"))
    assert row.locator(".badge.lvl-block").count() == 1  # the pasted text was checked
    marcomm.goto(item_path)
    marcomm.get_by_label("Comment").fill("We will handle it.")
    marcomm.get_by_role("button", name="Triage to marcomm").click()
    marcomm.wait_for_load_state()
    assert marcomm.locator("[data-state]").first.get_attribute("data-state") == "with_marcomm"
    marcomm.get_by_label("Outcome").select_option("removed")
    marcomm.get_by_role("button", name="Resolve").click()
    marcomm.wait_for_load_state()
    assert marcomm.locator("[data-state]").first.get_attribute("data-state") == "resolved"


def test_question_is_answered_and_published(signed_in: Any) -> None:
    employee = signed_in("employee")
    employee.goto("/ask")
    employee.get_by_label("Your question").fill("may I post photos from a conference talk")
    employee.get_by_role("button", name="Find answers").click()
    employee.wait_for_load_state()
    assert employee.locator("#answers-h").count() == 1
    assert "conference" not in employee.url  # the question stays out of URLs and logs
    employee.get_by_label("Send this question to the Strategist").fill(
        "May I post slides from a conference talk I gave?")
    employee.get_by_role("button", name="Send question").click()
    employee.wait_for_url(re.compile(r"/items/questions/\d+"))
    item_path = "/items/" + employee.url.split("/items/")[1].split("?")[0]

    strategist = signed_in("strategist")
    strategist.goto("/queues?kind=questions")
    strategist.goto(item_path)
    strategist.get_by_label("Answer", exact=True).fill(
        "Yes, if the slides hold nothing confidential and no patient information.")
    strategist.get_by_label("Also publish to the FAQ").check()
    strategist.get_by_label(re.compile("Question as the FAQ shows it")).fill(
        "May I post slides from my own conference talk?")
    strategist.get_by_role("button", name="Answer").click()
    strategist.wait_for_load_state()
    assert strategist.locator("[data-state]").first.get_attribute("data-state") == "published"

    employee.goto("/ask")
    assert employee.locator("details", has_text="slides from my own conference talk").count() == 1


def test_check_with_a_photo_attached(signed_in: Any, tmp_path: Any) -> None:
    from tests.web.test_pages import _png

    photo = tmp_path / "ward.png"
    photo.write_bytes(_png(32, 24))
    page = signed_in("employee")
    page.goto("/check")
    page.get_by_label("Account").select_option("department")
    page.locator("#photos").set_input_files(str(photo))
    latency = _type_and_wait(page, "Photos from our new lobby")
    verdict = page.locator("#result [data-verdict]").get_attribute("data-verdict")
    assert verdict in ("review", "block")  # a department post without approval at least
    assert latency > 0
    safe_button = page.get_by_role("button", name="Download a safe photo")
    from clearpost.web.pages.check import media_redaction_available

    assert safe_button.count() == (1 if media_redaction_available() else 0)
    if media_redaction_available():
        with page.expect_download() as download:
            safe_button.click()
        assert download.value.suggested_filename == "ward-safe.png"
