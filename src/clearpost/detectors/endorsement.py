"""undisclosed-endorsement and name-logo-endorsement."""

from __future__ import annotations

import re

from clearpost.detectors.base import (
    Hit,
    PostView,
    Span,
    policy_org_alternation,
    sentence_of,
    weak_org_lexicon,
)
from clearpost.text import Match
from clearpost.text.patterns import fast

_ROLE_INVOKED = (
    r"\bas (?:an?|the) (?:{org})\b[^.!?,:\n]{{0,25}}"
    r"|\b(?:{org}) (?:[a-z]+ )?(?:nurse|doctor|physician|oncologist|surgeon|researcher|scientist|"
    r"employee|staff|postdoc|pharmacist|expert|specialist)s?\b"
    # the author's own work there, said to lend it weight: "I run a cancer biology lab at MSK"
    r"|\b(?:i|we) (?:run|lead|direct|head|manage) (?:a|an|the|our|my) (?:[\w-]+ ){{0,3}}"
    r"(?:lab|clinic|unit|team|program|service|department)s? (?:at|in) (?:{org})\b"
    r"|\bi(?:'m| am) (?:a|an|the) (?:[\w-]+ ){{0,3}}at (?:{org})\b"
    # "As a surgeon at MSK, I've tried every app": the role as the reason to trust the pitch
    r"|\bas (?:an?|the) (?:[\w-]+ ){{1,3}}(?:at|with|from) (?:{org})\b")
# The code itself is matched case-sensitively: "code SAVE20" is a discount, "code below:" is not.
_PROMO_EXTRA = fast(r"\b(?i:code|promo)\s+[A-Z0-9]{4,}\b|"
                          # an event with a sponsor and giveaways: "sponsored by @voltcharge",
                          # "free cans for the first 100", "$0 cover"
                          r"(?i:\bsponsored by @\w+|\$0 cover\b|\bfree (?:cover|entry|cans|drinks|shots|"
                          r"samples)\b)|\b\d{1,2}\s?(?i:% off)\b|\b(?i:code) [A-Z]{3,}"
                          # selling: "$25 each or 2 for $45, DM me to order"
                          r"|(?i:\$\d+(?:\.\d\d)?\s?(?:each|ea|apiece|a piece|per (?:shirt|mug|bag|tote|"
                          r"piece|set))\b|\$\d+ (?:covers|gets you|a ticket|per ticket|per person|pp)\b|"
                          r"\b\d+ for \$\d+|\b(?:dm|message) (?:me )?to (?:order|buy|"
                          r"purchase|reserve)\b)")
#: Staff as a body, speaking for a cause: "nurses say no to …", "scientists for Rafael Ortega!".
_STAFF = r"(?:nurses|doctors|docs|scientists|physicians|researchers|staff|employees|workers)"
_POLITICS_EXTRA = fast(r"\bprop(?:osition)?\s?\d+\b|#vote\w+|\bvote (?:him|her|them) out\b|"
                             r"\bvote (?:yes|no) on (?:question|measure|amendment|issue|ballot)\b|"
                             r"#(?:yes|no)on\w+|"
                             r"\bfor (?:(?:state |us |u\.s\. |city )?(?:council|senate|assembly|congress)|mayor|governor|"
                             r"president|district attorney|attorney general|comptroller|borough president)\b"
                             # a cause's street action, and its slogan in staff's name: "to the Stop
                             # the Pipeline march", "Sloan Kettering nurses say NO to fracking"
                             r"|\bto the (?:[\w'-]+ ){1,6}(?:march|rally|protest|vigil|walkout|demonstration)\b"
                             r"|\b" + _STAFF + r" "
                             r"(?:say|says) (?:no|yes) to\b"
                             # the ballot box: "MSK docs for Rafael Ortega! 🗳️"
                             r"|🗳"
                             # "scientists for Rafael Ortega!", "support Rafael in the June primary"
                             r"|\b" + _STAFF + r" for (?-i:[A-Z][a-z]+ [A-Z][a-z]+)\s*!"
                             r"|\bin the (?:\w+ )?(?:primary|primaries|runoff|general election)\b(?! care)",
                             re.IGNORECASE)


def _disclosed(view: PostView) -> bool:
    return view.post.account.discloses_affiliation or bool(view.discloses_affiliation)


_POINTS_BACK = fast(r"\b(?:there|they|them|their|that place|this place|that team|this team)\b")


#: The learned stage (train/endorsement_learned.py): word 1-2 grams, for named, undisclosed
#: posts that no praise word explains ("nobody reads path slides like the folks at Sloan").
PROMOTION_MODEL = "promotion"


def promotion_candidate(view: PostView) -> bool:
    """A personal account, no disclosure, the organization named: where undisclosed
    promotion can happen (the learned stage's gate, and its training rows)."""
    if view.post.account.kind != "personal" or _disclosed(view):
        return False
    return bool(view.org_mentions or _weak(view))


def undisclosed_endorsement(view: PostView) -> list[Hit]:
    if view.post.account.kind != "personal":
        return []
    mentions = view.org_mentions or _weak(view)
    if not mentions and view.post.venue != "org-channel":
        return []  # most posts: the organization is not named
    if _disclosed(view) or name_logo_endorsement(view):
        return []  # disclosed; or promoting a product or cause with the name: name-logo
    praised = _praised(view, mentions)
    if praised or not mentions:
        return praised
    return _learned_promotion(view, mentions)


def _praised(view: PostView, mentions: list[Match]) -> list[Hit]:
    """A praise word and the organization in the same sentence (or a short post on its own
    channel)."""
    praise = view.find("praise")
    if not praise:
        return []
    pairs = []
    for p in praise:
        ps = sentence_of(view, p.start)
        # or in the sentence before, when the praise points back at it ("… are there. Go.")
        back = bool(_POINTS_BACK.search(view.lower[ps[0]:ps[1]]))
        # or a fragment that opens with the praise, right after the sentence naming it
        # ("Roll up to the MSK donor room. best run donor center in the city")
        fragment = p.start - ps[0] <= 3 and ps[0] > 0
        before = sentence_of(view, ps[0] - 1) if fragment else (ps[0], ps[0])
        near = [m for m in mentions if ps[0] <= m.start < ps[1]
                or abs(m.start - p.start) < (160 if back else 80)
                or before[0] <= m.start < before[1]]
        if near or (view.post.venue == "org-channel" and len(view.text) < 200):
            pairs.append((p, near[:1]))
    if not pairs:
        return []
    p, near = pairs[0]
    ev = [Span(p.start, p.end, "praise")] + [Span(m.start, m.end, "organization") for m in near]
    return [Hit(message="Promotes the organization without saying you work there.",
                evidence=tuple(sorted(ev)),
                explain={"praise": p.phrase})]


def _learned_promotion(view: PostView, mentions: list[Match]) -> list[Hit]:
    from clearpost.detectors.models import get_model

    model = get_model(PROMOTION_MODEL)
    if model is None:
        return []
    score = model.score(view.text, view.word_features)
    if score < model.threshold:
        return []
    # The model reads the whole post; the evidence is the name and the sentence around it.
    start, end = sentence_of(view, mentions[0].start)
    end = start + len(view.text[start:end].rstrip())
    return [Hit(message="Promotes the organization without saying you work there.",
                evidence=(Span(start, end, "praise"),),
                explain={"promotion_model": round(score, 3)})]


def _weak(view: PostView) -> list[Match]:
    return weak_org_lexicon(view.policy).find_all(view.lower)


def name_logo_endorsement(view: PostView) -> list[Hit]:
    found: list[Hit] = view.memo("name-logo", lambda: _name_logo(view))
    return found


def _name_logo(view: PostView) -> list[Hit]:
    mentions = view.org_mentions
    org_alt = policy_org_alternation(view.policy)
    role = re.compile(_ROLE_INVOKED.format(org=org_alt)).search(view.lower)
    if not mentions and not role:
        return []
    promo = [m for m in view.find("promo")  # "not sponsored" is the opposite of promotion
             if not re.search(r"\b(?:not|isn't|no|never|un)\s*-?$", view.lower[max(0, m.start - 7):m.start])
             and not (m.phrase == "brand" and re.match(r"[- ]new\b", view.lower[m.end:m.end + 5]))]
    promo_extra = list(_PROMO_EXTRA.finditer(view.text))
    politics = view.find("politics")
    politics_extra = list(_POLITICS_EXTRA.finditer(view.text))
    kinds = []
    ev: list[Span] = []
    # One promotion cue is enough when the author invokes their role there ("MSK doctors
    # agree ... shop now"); a bare mention of the name needs two (or a code / % off).
    if (promo and (promo_extra or len(promo) >= 2 or role)) or promo_extra:
        kinds.append("a product")
        ev += [Span(m.start, m.end, "promotion") for m in promo[:2]]
        ev += [Span(m.start(), m.end(), "promotion") for m in promo_extra[:1]]
    if politics or politics_extra:
        kinds.append("a political cause or candidate")
        ev += [Span(m.start, m.end, "politics") for m in politics[:2]]
        ev += [Span(m.start(), m.end(), "politics") for m in politics_extra[:1]]
    giving = _GIVING.search(view.lower) if role else None
    if giving and not _own_campaign(view) and not _giving_to_org_re(view).match(view.lower, giving.end()):
        # the role lent to an outside cause: "As an MSK surgeon, I'm asking you to give to
        # Harbor Paws Animal Rescue this Giving Tuesday"
        kinds.append("an outside cause")
        ev.append(Span(giving.start(), giving.end(), "cause"))
    logo = _logo_used_re(view).search(view.lower) if "logo" in view.lower else None
    if logo and not kinds and not _own_campaign(view):
        # the logo itself put on the author's flyer, shirt or shop: "slapped the MSK logo on
        # our block's animal-rescue fundraiser flyer"
        cause = _CAUSE.search(view.lower)
        if cause or _SALE.search(view.lower) or promo:
            kinds.append("an outside cause" if cause else "a product")
            ev.append(Span(logo.start(), logo.end(), "logo"))
    if not kinds:
        return []
    if kinds == ["a product"] and not promo_extra and _own_campaign(view):
        return []  # raising money for the organization's own campaign ("Fred's Team")
    if role:
        ev.append(Span(role.start(), role.end(), "organization"))
    ev += [Span(m.start, m.end, "organization") for m in mentions[:1]]
    seen: list[Span] = []
    for sp in sorted(ev, key=lambda s: (s.start, -(s.end - s.start))):
        if all(sp.start >= o.end or sp.end <= o.start for o in seen):
            seen.append(sp)
    return [Hit(message="Uses the organization's name, marks or your role there to promote "
                        + " and ".join(kinds) + ".",
                evidence=tuple(seen), explain={"kinds": kinds, "role_invoked": bool(role)})]


_GIVING = fast(r"\b(?:give|donate|donating|giving|pledge) (?:\$?\d+ )?to\b(?! (?:blood|plasma|platelets))"
                     r"|\bgiving tuesday\b|\bevery dollar\b|\b(?:fundrais\w*|raising money|raising funds) for\b")


def _giving_to_org_re(view: PostView) -> re.Pattern[str]:
    """The gift goes to the organization itself ("donate to MSK"): not an outside cause."""
    pat: re.Pattern[str] = view.policy.memo("giving-to-org-re", lambda: re.compile(
        r"\s+(?:the\s+)?(?:" + policy_org_alternation(view.policy) + r")\b"))
    return pat


def _logo_used_re(view: PostView) -> re.Pattern[str]:
    pat: re.Pattern[str] = view.policy.memo("logo-used-re", lambda: re.compile(
        r"\b(?:put|puts|putting|slap|slapped|slapping|add|added|adding|stick|stuck|sticking|use|"
        r"used|using|print|printed|printing|threw|throw)\s+(?:the|our|an?|that)\s+(?:"
        + policy_org_alternation(view.policy) + r")\s+logo\b"))
    return pat


_CAUSE = fast(r"\b(?:donat\w*|fundrais\w*|charity|charities|rescue|cause|raffle|benefit|"
                    r"walkathon|5k|gofundme|nonprofit|non-profit)\b")
_DONATION = fast(r"\b(?:donat\w*|fundrais\w*|sponsor me|pledge|raise \$?\d|raising)\b")
_SALE = fast(r"\b(?:buy|shop|affiliate|order|discount|sale|merch)\b")


def _own_campaign(view: PostView) -> bool:
    """Asking for donations to one of the organization's own campaigns, selling nothing."""
    return (any(c.lower() in view.lower for c in view.policy.org.own_campaigns)
            and bool(_DONATION.search(view.lower)) and not _SALE.search(view.lower))
