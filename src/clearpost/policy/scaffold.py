"""`clearpost policy init`: a starter pack for another organization."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from clearpost.policy.loader import default_pack_dir


def init_pack(directory: Path, *, org_id: str, name: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", org_id):
        raise ValueError("--id must be lower-case letters, digits, '-' or '_'")
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(directory)
    tmp = directory.with_name(directory.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(default_pack_dir(), tmp)
    pack_path = tmp / "pack.yaml"
    data = yaml.safe_load(pack_path.read_text(encoding="utf-8"))
    data["id"] = org_id
    data["version"] = "0.1.0"
    data["title"] = f"Social media guidelines for employees ({name})"
    org = data["organization"]
    org.update({
        "name": name, "aliases": [], "weak_aliases": [], "institutes": [], "schools": [],
        "marks": [], "case_sensitive_marks": [], "official_handles": [], "hashtags": [],
        "email_domains": ["example.org"], "web_domains": ["example.org"],
        "intranet_hosts": ["intranet.example.org"], "sites": [], "embargo_terms": [],
        "disclaimer_example": f"I work for {name}, but the views here are my own.",
    })
    # The rule examples name the default organization: point them at the new one.
    replacements = [("Memorial Sloan Kettering", name), ("Sloan Kettering Institute", name),
                    ("Sloan Kettering", name), ("@MSKCancerCenter", "@" + org_id),
                    ("mskcc.org", "example.org"), ("MSKCC", name), ("MSK", name)]
    for rule_file in sorted((tmp / "rules").glob("*.yaml")):
        text = re.sub(r"mskcc\.org", "example.org", rule_file.read_text(encoding="utf-8"),
                      flags=re.IGNORECASE)
        for old, new in replacements:
            text = text.replace(old, new)
        rule_file.write_text(text, encoding="utf-8")
    header = ("# Starter pack written by `clearpost policy init`. Replace the organization's\n"
              "# names, domains, sites and contacts; rewrite sections in your guidelines' terms.\n")
    pack_path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                                 width=100), encoding="utf-8")
    directory.parent.mkdir(parents=True, exist_ok=True)
    if directory.exists():
        directory.rmdir()
    tmp.rename(directory)
