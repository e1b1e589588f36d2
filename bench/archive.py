"""Archive benchmark: ingest rate, search latency and stats time at 100k / 1M records.

Records are made by varying the corpus gold articles (corpus/gold/*.json; synthetic Vietnamese text
when the corpus is absent): each copy gets another district (real names from the gazetteer when it
loads), other figures, another date and a unique URL, so place-name queries stay selective and
common words ("đảng viên") stay common, as in a real archive.

    python bench/archive.py --sizes 100000 1000000 [--dir /tmp/vnnews-bench] [--keep]

Targets (issue 6): ingest >= 2,000 records/s, search p95 <= 50 ms, stats <= 500 ms at 1,000,000.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import Archive, Filters  # noqa: E402
from models.record import Evidence, ExtractorInfo, Fact, Locality, Period, Record, Summary  # noqa: E402

QUERIES = [  # (query, filters): what researchers type
    ("dang vien", None),
    ("kết nạp đảng viên mới", None),
    ('"huy hieu dang"', None),
    ("Gia Bình", None),
    ("Đông Cứu", None),
    ("chuyen dang chinh thuc", Filters(province="Bắc Ninh")),
    ("boi duong*", None),
    ("dang vien moi", Filters(date_from="2023-01-01", date_to="2023-12-31")),
    ("ket nap OR huy hieu", Filters(kind="new_members", min_value=100)),
    ("Dak Song", None),
]
SYNTHETIC = [
    ("Huyện {d} kết nạp {n} đảng viên mới",
     "Từ đầu năm đến nay, Đảng bộ huyện {d} đã kết nạp được {n} đảng viên mới, đạt 105% kế hoạch. "
     "Ban Thường vụ Huyện ủy chỉ đạo các chi bộ chú trọng công tác tạo nguồn, bồi dưỡng quần chúng ưu tú. "
     "Trong dịp này, huyện trao huy hiệu Đảng cho các đảng viên lão thành và chuyển đảng chính thức "
     "cho nhiều đảng viên dự bị."),
]


def bases() -> list[dict]:
    gold = sorted((ROOT / "corpus" / "gold").glob("*.json"))
    out = []
    for p in gold:
        g = json.loads(p.read_text(encoding="utf-8"))
        if g.get("text"):
            out.append({"title": g["title"] or "", "text": g["text"], "district": (g.get("locality") or {})
                        .get("district") or ""})
    if not out:
        out = [{"title": t, "text": x, "district": "{d}"} for t, x in SYNTHETIC]
    return out


def places() -> list[tuple[str, str, str]]:
    """(province, district, code) of real pre-2025 districts, or a small synthetic list."""
    try:
        from models.gazetteer import gazetteer

        g = gazetteer()
        units = [u for u in g.units.values() if u.era == "pre2025" and u.level == "district"]
        return [(g.province_of(u).short, u.short, u.code) for u in units]
    except Exception:  # noqa: BLE001 - the bench must run without the gazetteer
        return [("Bắc Ninh", d, str(i)) for i, d in enumerate(["Gia Bình", "Lương Tài", "Thuận Thành", "Quế Võ"])]


def make_records(n: int, start: int, seed: int, base: list[dict], pl: list[tuple[str, str, str]]):
    rng = random.Random(seed + start)
    for i in range(start, start + n):
        b = base[i % len(base)]
        prov, dist, code = pl[rng.randrange(len(pl))]
        old = b["district"]
        title, text = b["title"], b["text"]
        if old:
            title, text = title.replace(old, dist), text.replace(old, dist)
        title = title.replace("{d}", dist).replace("{n}", str(rng.randint(5, 400)))
        text = text.replace("{d}", dist).replace("{n}", str(rng.randint(5, 400)))
        value = rng.randint(5, 400)
        year = rng.randint(2015, 2025)
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        sentence = f"kết nạp {value} đảng viên mới"
        text = f"{text}\n\nNăm {year}, huyện {dist} {sentence}."
        pos = text.rindex(sentence)
        url = f"https://bench{i % 97}.gov.vn/tin-tuc/{i}.html"
        sha = hashlib.sha256(f"{i}:{text}".encode()).hexdigest()
        loc = Locality(province=prov, district=dist, level="district", code=code, era="pre2025")
        fact = Fact(kind="new_members", value=value, period=Period(start=f"{year}-01-01", end=f"{year}-12-31"),
                    evidence=Evidence(start=pos, end=pos + len(sentence), sentence=sentence))
        yield Record(id=hashlib.sha1(url.encode()).hexdigest()[:16], url=url, site=f"bench{i % 97}.gov.vn",
                     content_sha256=sha, title=title, published=published, text=text, locality=loc,
                     facts=[fact], summary=Summary(new_members=value), extractor=ExtractorInfo(version="bench"))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(size: int, workdir: Path, seed: int, reuse: bool = False) -> dict:
    db = workdir / f"bench-{size}.db"
    reuse = reuse and db.exists()
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    base, pl = bases(), places()
    chunk = 20_000
    ingest_s = ingest_cpu = 0.0
    with Archive(db) as archive:
        for start in range(0, 0 if reuse else size, chunk):
            recs = list(make_records(min(chunk, size - start), start, seed, base, pl))
            t, c = time.perf_counter(), time.process_time()
            archive.ingest_many(recs)  # the library default batch, as `vnnews ingest` of JSON Lines
            ingest_s += time.perf_counter() - t
            ingest_cpu += time.process_time() - c
            print(f"  {start + len(recs):>9,} records, {(start + len(recs)) / ingest_s:,.0f} rec/s", file=sys.stderr)
        if not reuse:
            archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            archive.conn.execute("ANALYZE")
    # Queries on a fresh connection, as `vnnews search` and the service open the archive: the ingest
    # connection's 512 MB cache is full of the pages ingest wrote, which made every query ~1.7x slower.
    with Archive(db) as archive:
        lat: list[float] = []
        cpu: list[float] = []
        per_query = {}
        for q, f in QUERIES:
            archive.search(q, f)  # warm the page cache once per query
            times = []
            for rep in range(5):
                t, c = time.perf_counter(), time.process_time()
                archive.search(q, f, offset=rep * 20)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            lat += times
            per_query[q] = round(statistics.median(times), 1)
        st = {}
        for label, kw in (("province/year", dict(by="province", per="year")),
                          ("district/month", dict(by="district", per="month")),
                          ("province=Bắc Ninh district/year",
                           dict(by="district", per="year", filters=Filters(province="Bắc Ninh"))),
                          ("2023 province/month",
                           dict(by="province", per="month", filters=Filters(date_from="2023", date_to="2023"))),
                          ("since 2020 province/year", dict(by="province", per="year", filters=Filters(date_from="2020"))),
                          ("May 2023 district/month",
                           dict(by="district", per="month", filters=Filters(date_from="2023-05", date_to="2023-05")))):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                archive.stats("new_members", **kw)
                times.append((time.perf_counter() - t) * 1000)
            st[label] = round(statistics.median(times), 1)
    size_mb = sum(Path(str(db) + s).stat().st_size for s in ("", "-wal") if Path(str(db) + s).exists()) / 2**20
    return {"records": size, "ingest_rec_per_s": round(size / ingest_s) if ingest_s else None,
            "ingest_rec_per_cpu_s": round(size / ingest_cpu) if ingest_cpu else None, "search_p50_ms": round(pct(lat, 50), 1),
            "search_p95_ms": round(pct(lat, 95), 1), "search_cpu_p95_ms": round(pct(cpu, 95), 1),
            "search_median_by_query_ms": per_query,
            "stats_ms": st, "db_mb": round(size_mb), "loadavg": _loadavg()}


def _loadavg() -> float | None:
    """The machine's 1-minute load: wall-clock figures on a busy machine are worth less."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--dir", type=Path, default=None, help="where to build the databases (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the databases")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reuse", action="store_true", help="query an existing --dir database instead of rebuilding it")
    args = ap.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="vnnews-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes:
            print(json.dumps(run(size, workdir, args.seed, args.reuse), ensure_ascii=False), flush=True)
    finally:
        if not args.keep:
            for size in args.sizes:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(workdir / f"bench-{size}.db") + suffix).unlink(missing_ok=True)
            if args.dir is None:
                shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
