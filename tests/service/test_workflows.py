"""Every workflow path, forbidden transitions and four-eyes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from clearpost.store.models import AuditEvent, OutboxMail
from clearpost.workflows import common, expiry
from clearpost.workflows.account_requests import service as account_requests
from clearpost.workflows.context import SYSTEM, Actor
from clearpost.workflows.errors import Forbidden, FourEyes, IllegalTransition, Invalid, NotFound
from clearpost.workflows.media_approvals import service as media
from clearpost.workflows.posting_permissions import service as posting
from clearpost.workflows.questions import service as questions
from clearpost.workflows.registry import service as registry
from clearpost.workflows.reports import service as reports
from clearpost.workflows.runtime import Runtime

from .conftest import Org, count_audit

FULL_BRANDING = {k: True for k in registry.BRANDING_CHECKLIST}


def act(rt: Runtime, actor: Actor, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """One transition in its own transaction; it must write exactly one audit event."""
    before = count_audit(rt)
    with rt.ctx(actor) as ctx:
        item = fn(ctx, *args, **kwargs)
        state = item.state
    assert count_audit(rt) == before + 1, "a transition writes exactly one audit event"
    return item, state


def refused(rt: Runtime, actor: Actor, error: type[Exception], fn: Any, *args: Any, **kw: Any) -> str:
    before = count_audit(rt)
    with pytest.raises(error) as exc, rt.ctx(actor) as ctx:
        fn(ctx, *args, **kw)
    assert count_audit(rt) == before, "a refused move writes nothing"
    return str(exc.value)


def new_account_request(rt: Runtime, org: Org, handle: str | None = None) -> int:
    values = {"platform": "instagram", "name": f"Radiology Kids {org.tag}",
              "handle": handle or f"@rad_kids_{org.tag}", "department": f"Radiology {org.tag}",
              "audience": "children and parents", "purpose": "Patient education.",
              "owners": [org.employee.email]}
    item, state = act(rt, org.employee, account_requests.submit, values)
    assert state == "awaiting_manager"
    return int(item.id)


def new_registry_account(rt: Runtime, org: Org, owner: Actor) -> int:
    with rt.ctx(org.marcomm) as ctx:
        acc = registry.create(ctx, {"platform": "x", "handle": f"@acct_{org.tag}_{owner.id}",
                                    "name": f"Account {org.tag}", "owners": [owner.email],
                                    "department": "Radiology"})
        return int(acc.id)


# --- department account requests -------------------------------------------------------------
def test_account_request_approved_by_manager_then_marcomm_enters_registry(backend, org):
    rid = new_account_request(backend, org)
    _, state = act(backend, org.manager, account_requests.act, rid, "approve", "fine by me")
    assert state == "awaiting_marcomm"
    msg = refused(backend, org.marcomm, Invalid, account_requests.act, rid, "approve")
    assert "branding checklist" in msg
    item, state = act(backend, org.marcomm, account_requests.act, rid, "approve",
                      data={"branding": FULL_BRANDING, "overlap_reviewed": True})
    assert state == "approved" and item.registry_account_id
    with backend.ctx(org.employee) as ctx:
        acc = registry.get(ctx.session, item.registry_account_id)
        assert acc.handle == f"@rad_kids_{org.tag}" and acc.owners == [org.employee.email]


@pytest.mark.parametrize("decider", ["manager", "marcomm"])
def test_account_request_rejected_at_each_step(backend, org, decider):
    rid = new_account_request(backend, org)
    if decider == "marcomm":
        act(backend, org.manager, account_requests.act, rid, "approve")
    _, state = act(backend, org.by_role(decider), account_requests.act, rid, "reject", "no need")
    assert state == "rejected"
    refused(backend, org.employee, IllegalTransition, account_requests.act, rid, "withdraw")


@pytest.mark.parametrize("decider", ["manager", "marcomm"])
def test_account_request_sent_back_and_resubmitted_with_changes(backend, org, decider):
    rid = new_account_request(backend, org)
    if decider == "marcomm":
        act(backend, org.manager, account_requests.act, rid, "approve")
    _, state = act(backend, org.by_role(decider), account_requests.act, rid, "send_back",
                   "say who runs it")
    assert state == "draft"
    refused(backend, org.manager, FourEyes if decider == "employee" else Forbidden,
            account_requests.act, rid, "resubmit")
    item, state = act(backend, org.employee, account_requests.act, rid, "resubmit",
                      data={"changes": {"purpose": "Patient education, run by two nurses."}})
    assert state == "awaiting_manager" and "two nurses" in item.purpose


@pytest.mark.parametrize("steps", [0, 1, 2])
def test_account_request_withdrawn_from_each_open_state(backend, org, steps):
    rid = new_account_request(backend, org)
    if steps >= 1:
        act(backend, org.manager, account_requests.act, rid, "approve")
    if steps == 2:
        act(backend, org.marcomm, account_requests.act, rid, "send_back")
    _, state = act(backend, org.employee, account_requests.act, rid, "withdraw")
    assert state == "withdrawn"


def test_account_request_forbidden_moves(backend, org):
    rid = new_account_request(backend, org)
    # Not their manager, not a manager, marcomm too early, an unknown action, an illegal one.
    refused(backend, org.colleague, NotFound, account_requests.act, rid, "approve")
    refused(backend, org.marcomm, Forbidden, account_requests.act, rid, "approve")
    refused(backend, org.manager, IllegalTransition, account_requests.act, rid, "fly")
    refused(backend, org.manager, IllegalTransition, account_requests.act, rid, "resubmit")
    refused(backend, org.marcomm, Forbidden, account_requests.act, rid, "expire")
    # Approving one's own request is refused even for a manager who is also marcomm.
    with backend.ctx(SYSTEM) as ctx:
        from clearpost.workflows.users import service as users
        boss = users.create_user(ctx, email=f"boss-{org.tag}@example.org", name="Boss",
                                 roles=["manager", "marcomm"])
        users.update_user(ctx, boss.id, manager_email=org.manager.email)
        boss_actor = Actor.of(boss)
    values = {"platform": "x", "name": f"Boss {org.tag}", "handle": f"@boss_{org.tag}",
              "department": "Radiology", "audience": "peers", "purpose": "Updates.",
              "owners": [boss_actor.email]}
    item, _ = act(backend, boss_actor, account_requests.submit, values)
    act(backend, org.manager, account_requests.act, item.id, "approve")
    msg = refused(backend, boss_actor, FourEyes, account_requests.act, item.id, "approve",
                  data={"branding": FULL_BRANDING, "overlap_reviewed": True})
    assert "someone else" in msg


def test_account_request_without_manager_is_refused(backend, org):
    values = {"platform": "x", "name": "N", "handle": f"@n_{org.tag}", "department": "D",
              "audience": "a", "purpose": "p", "owners": [org.manager.email]}
    refused(backend, org.manager, Invalid, account_requests.submit, values)


def test_account_request_overlap_report_flags_similar_accounts(backend, org):
    with backend.ctx(org.marcomm) as ctx:
        registry.create(ctx, {"platform": "instagram", "handle": f"@radkids{org.tag}",
                              "name": f"Radiology Kids {org.tag}", "department": f"Radiology {org.tag}",
                              "audience": "parents of children in radiology"})
    rid = new_account_request(backend, org)
    with backend.ctx(org.employee) as ctx:
        item = ctx.session.get(account_requests.AccountRequest, rid)
        reasons = [r for o in item.overlap for r in o["reasons"]]
    assert any(r.startswith("similar handle") for r in reasons)
    assert any(r.startswith("similar name") for r in reasons)
    assert "same platform and department" in reasons
    assert any(r.startswith("overlapping audience") for r in reasons)
    act(backend, org.manager, account_requests.act, rid, "approve")
    msg = refused(backend, org.marcomm, Invalid, account_requests.act, rid, "approve",
                  data={"branding": FULL_BRANDING})
    assert "overlap" in msg


def test_failed_side_effect_rolls_back_state_and_audit(backend, org):
    """The registry refuses a duplicate handle: the approval, its event and its mail all vanish."""
    handle = f"@dup_{org.tag}"
    rid = new_account_request(backend, org, handle=handle)
    act(backend, org.manager, account_requests.act, rid, "approve")
    with backend.ctx(org.marcomm) as ctx:
        registry.create(ctx, {"platform": "instagram", "handle": handle, "name": "Taken"})
    from clearpost.workflows.errors import Conflict
    with backend.factory() as s:
        mails_before = s.query(OutboxMail).count()
    refused(backend, org.marcomm, Conflict, account_requests.act, rid, "approve",
            data={"branding": FULL_BRANDING, "overlap_reviewed": True})
    with backend.ctx(org.employee) as ctx:
        assert ctx.session.get(account_requests.AccountRequest, rid).state == "awaiting_marcomm"
    with backend.factory() as s:
        assert s.query(OutboxMail).count() == mails_before


def test_transitions_queue_mail_for_the_next_actor(backend, org):
    rid = new_account_request(backend, org)
    with backend.factory() as s:
        to = [m.to_addr for m in s.query(OutboxMail).filter(OutboxMail.subject.contains(f"#{rid}:"))
              if "account request" in m.subject]
    assert org.manager.email in to


def test_expiry_moves_overdue_items(backend, org):
    rid = new_account_request(backend, org)
    days = backend.policy.pack.workflows.expiry_days
    with backend.ctx(SYSTEM) as ctx:
        ctx.now = ctx.now + timedelta(days=days + 1)
        assert expiry.expire_stale(ctx) >= 1
    with backend.ctx(org.employee) as ctx:
        assert ctx.session.get(account_requests.AccountRequest, rid).state == "expired"
        ev = ctx.session.query(AuditEvent).filter_by(item_type="account_request", item_id=rid,
                                                     action="expire").one()
        assert ev.actor == "system"


# --- media approvals -------------------------------------------------------------------------
def _media(rt: Runtime, org: Org, who: Actor, account_id: int, caption: str = "Our team today") -> int:
    item, state = act(rt, who, media.submit, {"account_id": account_id, "caption": caption,
                                              "files": [{"name": "team.jpg", "kind": "photo"}]})
    assert state == "awaiting_marcomm"
    return int(item.id)


def test_media_approval_issues_an_approval_id_with_the_pack_prefix(backend, org):
    acc = new_registry_account(backend, org, org.employee)
    mid = _media(backend, org, org.employee, acc, "Mrs. Larkin in room 14B went home today!")
    with backend.ctx(org.marcomm) as ctx:
        view = media.view(ctx, ctx.session.get(media.MediaApproval, mid))
    assert view["check"]["verdict"] in ("review", "block") and view["check_verdict"] == view["check"]["verdict"]
    item, state = act(backend, org.marcomm, media.act, mid, "approve")
    prefix = backend.policy.pack.workflows.approval_id_prefix
    assert state == "approved" and item.approval_id.startswith(prefix + "-")
    with backend.ctx(org.colleague) as ctx:
        found = media.lookup_approval(ctx, item.approval_id)
    assert found["account"]["id"] == acc


def test_media_changes_requested_resubmitted_then_rejected(backend, org):
    acc = new_registry_account(backend, org, org.employee)
    mid = _media(backend, org, org.employee, acc)
    _, state = act(backend, org.marcomm, media.act, mid, "request_changes", "crop the badge")
    assert state == "changes_requested"
    refused(backend, org.marcomm, Forbidden, media.act, mid, "resubmit")
    _, state = act(backend, org.employee, media.act, mid, "resubmit", data={"caption": "Cropped."})
    assert state == "awaiting_marcomm"
    _, state = act(backend, org.marcomm, media.act, mid, "reject")
    assert state == "rejected"
    refused(backend, org.marcomm, IllegalTransition, media.act, mid, "approve")


def test_media_only_owners_or_marcomm_submit_and_no_self_approval(backend, org):
    acc = new_registry_account(backend, org, org.employee)
    refused(backend, org.colleague, Forbidden, media.submit,
            {"account_id": acc, "caption": "x", "files": [{"name": "a.jpg"}]})
    mid = _media(backend, org, org.marcomm, acc)  # marcomm may submit for any account...
    refused(backend, org.marcomm, FourEyes, media.act, mid, "approve")  # ...but not approve it
    _, state = act(backend, org.strategist, media.act, mid, "approve")
    assert state == "approved"


# --- posting permissions ---------------------------------------------------------------------
def test_posting_permission_requested_granted_revoked(backend, org):
    acc = new_registry_account(backend, org, org.manager)
    item, state = act(backend, org.employee, posting.request,
                      {"account_id": acc, "scope": "replies", "reason": "I answer questions"})
    assert state == "awaiting_marcomm"
    refused(backend, org.employee, FourEyes, posting.act, item.id, "grant", data={"scope": "x"})
    refused(backend, org.marcomm, Invalid, posting.act, item.id, "grant",
            data={"expires_at": "2000-01-01"})
    item, state = act(backend, org.marcomm, posting.act, item.id, "grant",
                      data={"scope": "replies only", "expires_at": "2099-01-01"})
    assert state == "active" and item.scope == "replies only" and item.expires_at.year == 2099
    _, state = act(backend, org.marcomm, posting.act, item.id, "revoke", "left the team")
    assert state == "revoked"


def test_posting_permission_denied_withdrawn_and_expired(backend, org):
    acc = new_registry_account(backend, org, org.manager)
    a, _ = act(backend, org.employee, posting.request, {"account_id": acc, "scope": "s"})
    _, state = act(backend, org.marcomm, posting.act, a.id, "deny")
    assert state == "denied"
    b, _ = act(backend, org.employee, posting.request, {"account_id": acc, "scope": "s"})
    _, state = act(backend, org.employee, posting.act, b.id, "withdraw")
    assert state == "withdrawn"
    c, state = act(backend, org.marcomm, posting.grant_directly,
                   {"account_id": acc, "holder_email": org.colleague.email, "scope": "stories",
                    "expires_at": "2099-06-01"})
    assert state == "active"
    with backend.ctx(org.colleague) as ctx:  # the holder sees the grant made for them
        assert posting.view(ctx, common.load_visible(ctx, posting.PostingPermission, c.id, "p"))
    with backend.ctx(SYSTEM) as ctx:
        ctx.now = c.expires_at + timedelta(days=1)
        expiry.expire_stale(ctx)
    with backend.ctx(org.marcomm) as ctx:
        assert ctx.session.get(posting.PostingPermission, c.id).state == "expired"


def test_nobody_grants_themselves(backend, org):
    acc = new_registry_account(backend, org, org.manager)
    refused(backend, org.marcomm, FourEyes, posting.grant_directly,
            {"account_id": acc, "holder_email": org.marcomm.email, "scope": "all"})
    refused(backend, org.employee, Forbidden, posting.grant_directly,
            {"account_id": acc, "holder_email": org.colleague.email, "scope": "all"})


# --- reports ---------------------------------------------------------------------------------
def test_anonymous_report_triaged_to_supervisor_hides_the_reporter(backend, org):
    item, state = act(backend, org.colleague, reports.file, {
        "link": "https://example.org/p/1", "description": "Looks like a patient chart",
        "pasted_text": "Mrs. Larkin in 14B finally went home after chemo!",
        "subject_email": org.employee.email, "anonymous": True})
    assert state == "new" and item.check_summary["verdict"] in ("review", "block")
    with backend.factory() as s:
        ev = s.query(AuditEvent).filter_by(item_type="report", item_id=item.id).one()
        assert ev.actor == "anonymous" and ev.actor_id == 0
    _, state = act(backend, org.marcomm, reports.act, item.id, "triage_to_supervisor")
    assert state == "with_supervisor"
    with backend.ctx(org.manager) as ctx:  # the employee's manager is the assignee
        view = reports.view(ctx, reports.load(ctx, item.id))
        assert view["requester_id"] is None and view["assignee_id"] == org.manager.id
    with backend.ctx(org.marcomm) as ctx:
        assert reports.view(ctx, reports.load(ctx, item.id))["requester_id"] == org.colleague.id
    refused(backend, org.employee, NotFound, reports.act, item.id, "resolve")
    refused(backend, org.manager, Invalid, reports.act, item.id, "resolve", data={"outcome": "?"})
    _, state = act(backend, org.manager, reports.act, item.id, "resolve", data={"outcome": "coached"})
    assert state == "resolved"


def test_report_kept_in_marcomm_and_reporter_cannot_triage_own(backend, org):
    item, _ = act(backend, org.marcomm, reports.file, {"link": "https://example.org/x",
                                                       "description": "odd post"})
    refused(backend, org.marcomm, FourEyes, reports.act, item.id, "triage_to_marcomm")
    _, state = act(backend, org.strategist, reports.act, item.id, "triage_to_marcomm")
    assert state == "with_marcomm"
    refused(backend, org.marcomm, FourEyes, reports.act, item.id, "resolve",
            data={"outcome": "no_issue"})
    _, state = act(backend, org.strategist, reports.act, item.id, "resolve",
                   data={"outcome": "no_issue"})
    assert state == "resolved"


def test_report_about_someone_cannot_go_to_that_person(backend, org):
    item, _ = act(backend, org.colleague, reports.file, {"link": "https://example.org/y",
                                                         "description": "d",
                                                         "subject_email": org.manager.email})
    msg = refused(backend, org.marcomm, Invalid, reports.act, item.id, "triage_to_supervisor",
                  data={"assignee_email": org.manager.email})
    assert "themselves" in msg


# --- questions -------------------------------------------------------------------------------
def test_question_answered_and_published_to_the_faq(backend, org):
    item, state = act(backend, org.employee, questions.ask,
                      f"May I post photos from the staff picnic {org.tag}?")
    assert state == "open" and item.suggestions
    refused(backend, org.marcomm, Forbidden, questions.act, item.id, "answer", data={"answer": "x"})
    refused(backend, org.strategist, Invalid, questions.act, item.id, "answer")
    before = count_audit(backend)
    with backend.ctx(org.strategist) as ctx:
        questions.act(ctx, item.id, "answer", data={
            "answer": f"Yes, if nobody objects and no patients appear {org.tag}.", "publish": True,
            "question": f"Staff picnic photos {org.tag}?", "sections": ["onsite-privacy"]})
    assert count_audit(backend) == before + 2  # answer, then publish: one event each
    with backend.ctx(org.colleague) as ctx:
        faq = questions.faq(ctx)
        assert any(f["question"] == f"Staff picnic photos {org.tag}?" for f in faq)
        from clearpost.workflows.guidance import retrieval
        found = retrieval.ask(backend.policy, f"staff picnic photos {org.tag}", faq)
        assert found["answers"][0]["kind"] == "faq"


def test_question_withdrawn_and_not_answered_by_asker(backend, org):
    item, _ = act(backend, org.strategist, questions.ask, "Can I like a competitor's post?")
    refused(backend, org.strategist, FourEyes, questions.act, item.id, "answer",
            data={"answer": "self"})
    _, state = act(backend, org.strategist, questions.act, item.id, "withdraw")
    assert state == "withdrawn"
