"""Every main page, at desktop and phone width: a screenshot, and axe-core finds no serious or
critical WCAG 2.1 A/AA violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import DESKTOP, PHONE, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: (screenshot name, role, path, something the page must show)
MAIN_PAGES = [
    ("signin", None, "/signin", "Sign in"),
    ("home", "employee", "/", "What would you like to do?"),
    ("check-empty", "employee", "/check", "Start typing"),
    ("my-requests", "employee", "/my", "My requests"),
    ("account-request", "employee", "/my/account-request", "Request a department account"),
    ("media-request", "employee", "/my/media", "Ask approval for photos or video"),
    ("posting-request", "employee", "/my/posting", "Ask permission to post"),
    ("report", "employee", "/report", "Report a concern"),
    ("ask", "employee", "/ask?q=can+I+post+a+photo+of+my+team", "What the guidelines say"),
    ("profile", "employee", "/profile", "Review my profile"),
    ("connection", "employee", "/connection?relation=clinician-patient", "Better not"),
    ("approvals", "manager", "/approvals", "Approvals waiting for me"),
    ("queue-accounts", "marcomm", "/queues?kind=account-requests&state=all", "Queues"),
    ("queue-media", "marcomm", "/queues?kind=media&state=all", "Queues"),
    ("queue-reports", "marcomm", "/queues?kind=reports&state=all", "Queues"),
    ("queue-questions", "strategist", "/queues?kind=questions&state=all", "Queues"),
    ("item-account-request", "marcomm", "/items/account-requests/1", "Overlap with the registry"),
    ("item-media", "marcomm", "/items/media/1", "Automatic check"),
    ("item-report", "marcomm", "/items/reports/1", "History"),
    ("item-question", "strategist", "/items/questions/1", "History"),
    ("item-posting", "marcomm", "/items/posting/1", "Your decision"),
    ("registry", "marcomm", "/registry", "Overlap"),
    ("dashboard", "marcomm", "/dashboard", "Findings by rule"),
    ("audit", "marcomm", "/audit", "each linked to the one before"),
    ("admin-users", "admin", "/admin", "Users and roles"),
    ("admin-policy", "admin", "/admin/policy", "Policy pack"),
    ("admin-settings", "admin", "/admin/settings", "CLEARPOST_"),
    ("not-found", "employee", "/no/such/page", "Page not found"),
    ("forbidden", "employee", "/dashboard", "No access"),
]


def _open(browser: Any, server: Any, signed_in: Any, role: str | None, viewport: dict[str, int]) -> Any:
    if role is None:
        context = browser.new_context(viewport=viewport, base_url=server.url)
        return context.new_page()
    return signed_in(role, viewport)


@pytest.mark.parametrize(("width_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_main_pages_screenshots_and_axe(browser: Any, server: Any, signed_in: Any,
                                        width_name: str, viewport: dict[str, int]) -> None:
    pages: dict[str | None, Any] = {}
    problems: dict[str, list[dict[str, Any]]] = {}
    for name, role, path, expected in MAIN_PAGES:
        if role not in pages:
            pages[role] = _open(browser, server, signed_in, role, viewport)
        page = pages[role]
        page.goto(path)
        assert expected in page.locator("main").inner_text(), f"{path}: {expected!r} not shown"
        screenshot(page, name, width_name)
        found = axe_violations(page)
        if found:
            problems[name] = found
    # The check page with a result in it, too.
    page = pages["employee"]
    page.goto("/check")
    page.get_by_label("Your post").fill("Saw Mrs. Tindlewood from room 3306 at her follow-up, "
                                        "she is doing great! Also: take 200 mg of aspirin daily.")
    page.wait_for_selector("#result [data-verdict]")
    screenshot(page, "check-result", width_name)
    found = axe_violations(page)
    if found:
        problems["check-result"] = found
    if None in pages:
        pages[None].context.close()
    assert not problems, f"serious or critical accessibility violations: {problems}"


def test_keyboard_user_can_skip_to_content(signed_in: Any) -> None:
    page = signed_in("employee")
    page.goto("/my")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    # Tab order then follows the page: the first control inside main comes next.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
