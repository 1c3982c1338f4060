"""Realistic synthetic posts for benchmarks: a deterministic mix of everyday, borderline and
violating drafts, as employees write them (emoji, replies, threads, hashtags).

    python bench/posts.py 10000 > /tmp/posts.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator

FIRST = ["Ana", "Marcus", "Priya", "Tom", "Leila", "Jonah", "Keiko", "Omar", "Grace", "Luis",
         "Nadia", "Sam", "Irene", "Dev", "Hana", "Rafael", "Bea", "Chidi", "Mila", "Ezra"]
LAST = ["Ortiz", "Reyes", "Nair", "Kowalski", "Haddad", "Brennan", "Sato", "Farouk", "Lindqvist",
        "Moreau", "Adeyemi", "Novak", "Costa", "Whitaker", "Okafor", "Baptiste", "Ferraro"]
FOOD = ["bagels", "tacos", "ramen", "pizza", "dumplings", "falafel", "pho", "pierogi"]
PLACE = ["the park", "Queens", "the beach", "my sister's", "the lake", "Jersey", "the gym"]

CLEAN = [
    "Long shift today but my team is the best. Feet hurt, heart full 💙",
    "Anyone have {food} recommendations near {place}? asking for a friend 🍜",
    "Congrats to {first} {last} on finishing the marathon this weekend!! 🏃",
    "Reminder: flu shots are free at most pharmacies this month. Get yours 💉",
    "Just finished a great book on the history of medicine, highly recommend it 📚",
    "Coffee count today: 4. Send help ☕☕☕☕",
    "Our lab's journal club picked a fantastic paper this week, great discussion",
    "Beautiful sunset from {place} tonight 🌅",
    "Lunch with {first} and {first2} from the lab, {food} never disappoints",
    "So proud of the new grads who started this month, welcome to the team!",
    "Rainy commute, but the playlist slaps 🎧 #mondaymood",
    "Screening saves lives. If you're over 45, ask your doctor about colon cancer screening.",
    "Had a meaningful talk with a patient today about what matters most. This is why I do it.",
    "Weekend plans: {food}, a long walk in {place}, and absolutely no alarms ⏰❌",
    "Thread 🧵 1/ Why clinical trials matter: they are how every treatment we have got tested.",
]
RISKY = [
    "Mr. {last} in room {room} finally ate a full breakfast after his {nth} round of chemo 💪",
    "pt in {room}B has pressed the call bell {n} times since 7pm 🙄 i am ONE nurse",
    "@{first_l}_{n} saw your labs from clinic tuesday, you can skip the transfusion appt 👍",
    "The best cancer hospital in the world is MSK, go nowhere else 💙",
    "As an MSK nurse I swear by these scrubs, code {code} for 20% off",
    "door code for the staff lounge is {room}# if you forgot 😘",
    "can't say more yet but big news soon for our radiology team 👀",
    "cafeteria selfie with the night crew 📸 #MSK",
    "{first} {last} in pharmacy is the dumbest human alive, how did he get hired 🤡",
    "@{first_l}{n} if the letrozole hurts that much just stop it for a few weeks",
    "Copying the whole paywalled article here since not everyone has a subscription 👇",
    "fuck this place, third mandatory overtime this week",
]


def posts(n: int, seed: int = 7) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    roles = ["employee", "nurse", "physician", "researcher", "manager"]
    platforms = ["x", "instagram", "facebook", "linkedin", "tiktok", "threads"]
    for i in range(n):
        template = rng.choice(RISKY) if rng.random() < 0.3 else rng.choice(CLEAN)
        first = rng.choice(FIRST)
        text = template.format(
            first=first, first2=rng.choice(FIRST), last=rng.choice(LAST), food=rng.choice(FOOD),
            place=rng.choice(PLACE), room=rng.randint(100, 1999), n=rng.randint(3, 40),
            nth=rng.choice(["2nd", "3rd", "4th", "last"]), code=f"{first.upper()}{rng.randint(1, 99)}",
            first_l=first.lower(),
        )
        yield {"id": f"b{i:06d}", "text": text,
               "author": {"role": rng.choice(roles)},
               "account": {"kind": "personal", "platform": rng.choice(platforms)}}


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for post in posts(count):
        sys.stdout.write(json.dumps(post, ensure_ascii=False) + "\n")
