// The vnnews page: search, filters, record view with highlighted evidence, and the stats chart.
// Plain DOM, no framework and no build step. Text from the archive is always inserted as text nodes
// (never innerHTML): it came from the web.
"use strict";

const KIND = {
  new_members: "Kết nạp đảng viên mới",
  transfers: "Chuyển đảng chính thức",
  badges: "Huy hiệu Đảng",
  party_members_total: "Tổng số đảng viên",
  party_orgs_total: "Tổng số tổ chức đảng",
  candidates_trained: "Quần chúng được bồi dưỡng",
};
const ROLE = { actual: "thực hiện", target: "chỉ tiêu", previous: "kỳ trước", cumulative: "lũy kế", comparison: "so sánh" };
const LEVEL = { province: "Tỉnh", district: "Huyện", commune: "Xã" };
const ERA = { pre2025: "trước 2025", post2025: "từ 2025" };
const PAGE = 20;
const FILTERS = ["province", "district", "commune", "from", "to", "kind", "min", "max"];

const $ = (id) => document.getElementById(id);
let offset = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function showError(message) {
  const box = $("error");
  box.textContent = message ? `Không thực hiện được: ${message}` : "";
  box.hidden = !message;
}

async function getJSON(url) {
  const resp = await fetch(url, { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await resp.json(); } catch (_) { /* not JSON: reported below */ }
  if (!resp.ok) throw new Error((body && body.error) || `Lỗi máy chủ (${resp.status})`);
  return body;
}

// ---- filters ---------------------------------------------------------------------------------
function filterParams() {
  const p = new URLSearchParams();
  for (const name of FILTERS) {
    const input = document.querySelector(`[name="${name}"]`);
    const value = input.value.trim();
    if (value) p.set(name, value);
  }
  return p;
}

let placeTimer = null;
function suggestPlaces(input) {
  // Suggestions fill the value with the short name: the archive matches names across both eras
  // (a code alone is era-ambiguous: 3,316 commune codes were reused in 2025).
  clearTimeout(placeTimer);
  const q = input.value.trim();
  const level = input.dataset.level;
  if (q.length < 2) return;
  placeTimer = setTimeout(async () => {
    try {
      const data = await getJSON(`/places?${new URLSearchParams({ q, level, limit: "15" })}`);
      const list = $(`dl-${level}`);
      list.replaceChildren();
      for (const place of data.places || []) {
        const where = [place.type, place.district, place.province, ERA[place.era]].filter(Boolean).join(" · ");
        list.append(el("option", { value: place.name }, where));
      }
    } catch (e) { /* suggestions are a convenience; typing a name still works */ }
  }, 200);
}

// ---- search ----------------------------------------------------------------------------------
function snippetNode(snippet) {
  // The archive marks matches in the plain-text snippet with [[ and ]]; everything is a text node.
  const frag = document.createDocumentFragment();
  const parts = String(snippet || "").split(/(\[\[|\]\])/);
  let inMark = false;
  for (const part of parts) {
    if (part === "[[") { inMark = true; continue; }
    if (part === "]]") { inMark = false; continue; }
    if (part) frag.append(inMark ? el("mark", {}, part) : document.createTextNode(part));
  }
  return frag;
}

function viDate(iso) {
  // "2023-11-28T16:01:00+07:00" -> "16:01 28/11/2023"; a bare day -> "28/11/2023" (Vietnam time as stored).
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso || "");
  if (!m) return iso || "";
  const day = `${m[3]}/${m[2]}/${m[1]}`;
  return m[4] ? `${m[4]}:${m[5]} ${day}` : day;
}

function placeName(loc) {
  if (!loc) return "";
  return [loc.commune, loc.district, loc.province].filter(Boolean).join(", ");
}

function summaryBadges(summary) {
  const box = el("div", { class: "badges" });
  for (const kind of ["new_members", "transfers", "badges"]) {
    if (summary && summary[kind] !== null && summary[kind] !== undefined) {
      box.append(el("span", { class: `badge k-${kind}` }, `${KIND[kind]}: ${summary[kind]}`));
    }
  }
  return box;
}

let searchSeq = 0;
async function runSearch(newOffset = 0) {
  const seq = ++searchSeq; // a slower earlier answer must not overwrite a newer one
  offset = newOffset;
  showError("");
  const params = filterParams();
  const q = $("q").value.trim();
  if (q) params.set("q", q);
  history.replaceState(null, "", `/?${params}`);
  updateChart();
  updateExportLinks();
  params.set("limit", String(PAGE));
  params.set("offset", String(offset));
  $("result-count").textContent = "Đang tìm…";
  try {
    const data = await getJSON(`/search?${params}`);
    if (seq === searchSeq) renderHits(data);
  } catch (e) {
    if (seq !== searchSeq) return;
    $("result-count").textContent = "";
    $("results").replaceChildren();
    showError(e.message);
  }
}

function renderHits(data) {
  const list = $("results");
  list.replaceChildren();
  const hits = data.hits || [];
  // Past the archive's ranking window the total is an estimate (total_exact false): say "khoảng".
  const exact = data.total_exact !== false;
  const found = `Tìm thấy ${exact ? "" : "khoảng "}${data.total} bài viết`;
  $("result-count").textContent = !data.total
    ? "Không tìm thấy bài viết nào."
    : hits.length
      ? `${found} (hiển thị ${offset + 1}–${offset + hits.length}).`
      : `${found}; trang này không còn kết quả.`;
  for (const hit of hits) {
    const meta = [hit.site, viDate((hit.published || "").slice(0, 10)), placeName(hit.locality)]
      .filter(Boolean).join(" · ");
    list.append(el("li", { class: "hit" },
      el("h3", {}, el("a", { href: `#record/${encodeURIComponent(hit.id)}`, class: "hit-link" }, hit.title || hit.id)),
      el("div", { class: "meta" }, meta),
      el("p", { class: "snippet" }, snippetNode(hit.snippet || "")),
      summaryBadges(hit.summary)));
  }
  $("prev-btn").hidden = offset === 0;
  // An estimated total cannot say where the last page is: a full page means there may be more.
  $("next-btn").hidden = exact ? offset + hits.length >= (data.total || 0) : hits.length < PAGE;
}

// ---- chart -----------------------------------------------------------------------------------
function updateChart() {
  const params = filterParams();
  params.delete("kind");
  params.set("kind", $("c-kind").value);
  params.set("by", $("c-by").value);
  params.set("per", $("c-per").value);
  $("chart").src = `/chart.svg?${params}`;
  $("chart").alt = `Biểu đồ: ${KIND[$("c-kind").value]} theo ${$("c-by").selectedOptions[0].textContent}`;
}

function updateExportLinks() {
  const params = filterParams();
  for (const fmt of ["jsonl", "csv"]) {
    params.set("format", fmt);
    $(`export-${fmt}`).href = `/export?${params}`;
  }
}

// ---- record view -----------------------------------------------------------------------------
function evidenceText(text, facts) {
  // displaCy-style: each fact's evidence span gets a kind-coloured mark with a label; a span that
  // overlaps the previous one adds its label there instead of breaking the text apart.
  const frag = document.createDocumentFragment();
  const spans = facts
    .map((f, i) => ({ f, i, s: f.evidence ? f.evidence.start : -1, e: f.evidence ? f.evidence.end : -1 }))
    .filter((x) => x.s >= 0 && x.e > x.s && x.e <= text.length)
    .sort((a, b) => a.s - b.s || b.e - a.e);
  let pos = 0;
  let last = null;
  for (const sp of spans) {
    const role = sp.f.role !== "actual" ? ROLE[sp.f.role] || sp.f.role : "";
    if (sp.s < pos && last) {
      // Same words, another fact (e.g. "tăng 3" inside "kết nạp 7"): add its label to that span.
      const same = last.dataset.kind === sp.f.kind;
      last.append(el("span", { class: "ent-label" }, same ? `+ ${role || KIND[sp.f.kind]}` : KIND[sp.f.kind] || sp.f.kind));
      continue;
    }
    const label = el("span", { class: "ent-label" }, `${KIND[sp.f.kind] || sp.f.kind}${role ? " · " + role : ""}`);
    frag.append(text.slice(pos, sp.s));
    last = el("mark", { class: `ent k-${sp.f.kind}`, id: `fact-${sp.i}`, "data-kind": sp.f.kind },
      text.slice(sp.s, sp.e), label);
    frag.append(last);
    pos = sp.e;
  }
  frag.append(text.slice(pos));
  return frag;
}

function periodLabel(p) {
  if (!p) return "";
  if (p.label) return p.label;
  return [p.start, p.end].filter(Boolean).join(" – ");
}

async function openRecord(id) {
  showError("");
  let rec;
  try {
    rec = await getJSON(`/records/${encodeURIComponent(id)}`);
  } catch (e) {
    showError(e.message);
    return;
  }
  $("results-view").hidden = true;
  $("record-view").hidden = false;
  $("rec-title").textContent = rec.title || rec.id;
  const meta = $("rec-meta");
  meta.replaceChildren();
  const bits = [rec.site, viDate(rec.published), rec.author ? `Tác giả: ${rec.author}` : rec.source,
                placeName(rec.locality), rec.views != null ? `${rec.views} lượt xem` : null].filter(Boolean);
  meta.append(bits.join(" · "));
  if (rec.url) meta.append(" · ", el("a", { href: rec.url, rel: "noopener noreferrer", target: "_blank" }, "Bài gốc"));
  $("rec-summary").replaceChildren(summaryBadges(rec.summary));
  const kinds = [...new Set((rec.facts || []).map((f) => f.kind))];
  $("rec-legend").replaceChildren(...kinds.map((k) => el("mark", { class: `ent k-${k}` }, KIND[k] || k)));
  $("rec-text").replaceChildren(evidenceText(rec.text || "", rec.facts || []));
  const body = $("facts").querySelector("tbody");
  body.replaceChildren();
  (rec.facts || []).forEach((f, i) => {
    const value = `${f.qualifier ? f.qualifier + " " : ""}${f.value}${f.badge_years ? ` (${f.badge_years} năm tuổi Đảng)` : ""}`;
    const row = el("tr", { class: `fact-row`, "data-fact": String(i) },
      el("td", {}, String(i + 1)),
      el("td", {}, el("span", { class: `badge k-${f.kind}` }, KIND[f.kind] || f.kind)),
      el("td", { class: "num" }, value),
      el("td", {}, ROLE[f.role] || f.role || ""),
      el("td", {}, periodLabel(f.period)),
      el("td", {}, placeName(f.place)),
      el("td", {}, f.evidence ? f.evidence.sentence : ""));
    row.addEventListener("click", () => {
      const mark = document.getElementById(`fact-${i}`);
      if (mark) {
        mark.scrollIntoView({ block: "center" });
        mark.classList.add("flash");
        setTimeout(() => mark.classList.remove("flash"), 1200);
      }
    });
    body.append(row);
  });
  if (!(rec.facts || []).length) body.append(el("tr", {}, el("td", { colspan: "7" }, "Bài viết không có số liệu.")));
  $("rec-warnings").textContent = (rec.warnings || []).length ? `Ghi chú trích xuất: ${rec.warnings.join("; ")}` : "";
  window.scrollTo(0, 0);
}

function showResults() {
  $("record-view").hidden = true;
  $("results-view").hidden = false;
}

function route() {
  const m = location.hash.match(/^#record\/(.+)$/);
  if (m) openRecord(decodeURIComponent(m[1]));
  else showResults();
}

// ---- wiring ----------------------------------------------------------------------------------
function init() {
  const params = new URLSearchParams(location.search);
  if (params.has("q")) $("q").value = params.get("q");
  for (const name of FILTERS) {
    if (params.has(name)) document.querySelector(`[name="${name}"]`).value = params.get(name);
  }
  if ([...$("c-kind").options].some((o) => o.value === params.get("kind"))) $("c-kind").value = params.get("kind");
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (location.hash) history.pushState(null, "", location.pathname + location.search);
    showResults();
    runSearch(0);
  });
  $("clear-btn").addEventListener("click", () => {
    for (const name of FILTERS) document.querySelector(`[name="${name}"]`).value = "";
    runSearch(0);
  });
  $("prev-btn").addEventListener("click", () => runSearch(Math.max(0, offset - PAGE)));
  $("next-btn").addEventListener("click", () => runSearch(offset + PAGE));
  $("back-btn").addEventListener("click", () => { location.hash = ""; });
  $("f-kind").addEventListener("change", () => {
    // The chart sums headline figures; follow the filter when it is one of them.
    const kind = $("f-kind").value;
    if ([...$("c-kind").options].some((o) => o.value === kind)) $("c-kind").value = kind;
  });
  for (const id of ["c-kind", "c-by", "c-per"]) $(id).addEventListener("change", updateChart);
  for (const input of document.querySelectorAll("input.place")) {
    input.addEventListener("input", () => suggestPlaces(input));
  }
  $("chart").addEventListener("error", () => {
    $("chart").hidden = true;
    $("chart-note").textContent = "Không vẽ được biểu đồ với bộ lọc này.";
  });
  $("chart").addEventListener("load", () => { $("chart").hidden = false; $("chart-note").textContent = ""; });
  window.addEventListener("hashchange", route);
  runSearch(0);
  route();
}

init();
