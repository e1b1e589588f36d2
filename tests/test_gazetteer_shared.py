"""The shipped gazetteer agrees with ../shared/gazetteer (the cross-checked reference lists) on
every code and every name of both eras, and on the whole 2025 old -> new mapping.

Names are compared after models.text.normalize (the project's one spelling of tone placement,
e.g. GSO's "Tuy Hoà" is shipped as "Tuy Hòa"), with NSO's one lower-case "xã Bắc Sơn" read as
"Xã Bắc Sơn". Everything else must be identical.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from pathlib import Path

import pytest

from models.text import normalize

DATA = Path(__file__).resolve().parents[1] / "models" / "data" / "gazetteer.json.gz"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(gzip.decompress(DATA.read_bytes()))


@pytest.fixture(scope="module")
def ref(shared_dir: Path):
    root = shared_dir / "gazetteer"

    def read(rel: str) -> list[dict[str, str]]:
        with (root / rel).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    return read


def _name(s: str) -> str:
    s = normalize(s)
    return s[:1].upper() + s[1:]


def _diff(ours: dict, theirs: dict) -> list[str]:
    keys = sorted(set(ours) | set(theirs))
    return [f"{k}: shipped {ours.get(k)!r} != shared {theirs.get(k)!r}" for k in keys if ours.get(k) != theirs.get(k)]


def test_shipped_file_is_compact(shipped):
    assert DATA.stat().st_size < 600_000
    assert shipped["meta"]["source"].startswith("vietnamadminunits")


def test_pre2025_provinces(shipped, ref):
    ours = {r[0]: (r[1], r[2], r[3]) for r in shipped["pre2025"]["provinces"]}
    theirs = {r["province_code"]: (_name(r["province_name"]), _name(r["short_name"]), r["province_type"])
              for r in ref("pre2025/provinces_2025-06-30.csv")}
    assert len(ours) == 63
    assert _diff(ours, theirs) == []


def test_pre2025_districts(shipped, ref):
    ours = {r[0]: (r[1], r[2], r[3], r[4]) for r in shipped["pre2025"]["districts"]}
    theirs = {r["district_code"]: (_name(r["district_name"]), normalize(r["short_name"]), r["district_type"],
                                   r["province_code"]) for r in ref("pre2025/districts_2025-06-30.csv")}
    assert len(ours) == 696
    assert _diff(ours, theirs) == []


def test_pre2025_communes(shipped, ref):
    ours = {r[0]: (r[1], r[2], r[3], r[4]) for r in shipped["pre2025"]["communes"]}
    theirs = {r["commune_code"]: (_name(r["commune_name"]), normalize(r["short_name"]), r["commune_type"],
                                  r["district_code"]) for r in ref("pre2025/communes_2025-06-30.csv")}
    assert len(ours) == 10_035
    assert _diff(ours, theirs) == []


def test_post2025_provinces(shipped, ref):
    ours = {r[0]: (r[1], r[2], r[3]) for r in shipped["post2025"]["provinces"]}
    theirs = {r["province_code"]: (_name(r["province_name"]), _name(r["short_name"]), r["province_type"])
              for r in ref("post2025/provinces_2025-07-01.csv")}
    assert len(ours) == 34
    assert _diff(ours, theirs) == []


def test_post2025_communes(shipped, ref):
    ours = {r[0]: (r[1], r[2], r[3], r[4]) for r in shipped["post2025"]["communes"]}
    theirs = {r["commune_code"]: (_name(r["commune_name"]), normalize(r["short_name"]), r["commune_type"],
                                  r["province_code"]) for r in ref("post2025/communes_2025-07-01.csv")}
    assert len(ours) == 3_321
    assert _diff(ours, theirs) == []


def test_mapping_provinces(shipped, ref):
    theirs = {r["old_province_code"]: r["new_province_code"] for r in ref("mapping_2025/province_old_to_new.csv")}
    assert _diff(shipped["mapping_2025"]["province"], theirs) == []


def test_mapping_communes(shipped, ref):
    theirs: dict[str, set[str]] = defaultdict(set)
    for r in ref("mapping_2025/commune_old_to_new.csv"):
        if r["old_level"] == "commune":
            theirs[r["old_commune_code"]].add(r["new_commune_code"])
    ours = {k: tuple(v) for k, v in shipped["mapping_2025"]["commune"].items()}
    assert len(ours) == 10_035
    assert _diff(ours, {k: tuple(sorted(v)) for k, v in theirs.items()}) == []


def test_mapping_districts(shipped, ref):
    theirs = {r["old_district_code"]: tuple(sorted(x.split(" ", 1)[0] for x in r["new_communes"].split("; ") if x))
              for r in ref("mapping_2025/district_old_to_new.csv")}
    ours = {k: tuple(v) for k, v in shipped["mapping_2025"]["district"].items()}
    assert _diff(ours, theirs) == []


def test_loaded_gazetteer_uses_the_reference_codes(ref):
    """The loaded object (not just the file) answers with the reference codes, era-qualified."""
    from models.gazetteer import gazetteer

    g = gazetteer()
    for r in ref("post2025/communes_2025-07-01.csv")[:200]:
        u = g.get("post2025", "commune", r["commune_code"])
        assert u is not None and u.province_code == r["province_code"]
    # the same code names different units in the two eras (SOURCES.md: 09475)
    assert g.get("pre2025", "commune", "09475").short == "Bình Dương"
    assert g.get("post2025", "commune", "09475").short == "Nhân Thắng"
