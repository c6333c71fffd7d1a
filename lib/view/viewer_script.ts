/**
 * The run viewer's browser script, as text. It builds every node with `createElement` and puts run
 * data in with `textContent` / text nodes only (never `innerHTML`), reads its data from the
 * `application/json` script elements of the page, lists records in a virtualised list, and — when
 * served — polls the server for new records. The line diff is the library's own `lineDiff`, its
 * source inlined.
 *
 * @module
 */
import { diffLines, lineDiff } from "../util/line_diff.ts";

/** Helpers `lineDiff` / `diffLines` call, defined beside their inlined source. */
const DIFF_HELPERS = [
  'function same(text) { return { op: "same", text }; }',
  'function del(text) { return { op: "del", text }; }',
  'function add(text) { return { op: "add", text }; }',
].join("\n");

const CLIENT = String.raw`
"use strict";
const ROW = 34;
const $ = (id) => document.getElementById(id);
const DATA = JSON.parse($("run-data").textContent);
const RUNS = DATA.runs;
const LIVE = DATA.live === true && location.protocol.startsWith("http");

function h(tag, props, ...kids) {
  const n = document.createElement(tag);
  if (props) {
    for (const k of Object.keys(props)) {
      const v = props[k];
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") n.className = v;
      else if (k === "text") n.textContent = String(v);
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else if (k.startsWith("aria-") || k.startsWith("data-") || k === "role" || k === "for" || k === "scope") {
        n.setAttribute(k, String(v));
      } else n[k] = v;
    }
  }
  for (const c of kids.flat(4)) {
    if (c === null || c === undefined || c === false) continue;
    n.append(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
  return n;
}
const num = (x, d = 3) => (typeof x === "number" && isFinite(x) ? x.toFixed(d) : "–");
const signed = (x, d = 3) =>
  typeof x === "number" && isFinite(x) ? (x > 0 ? "+" : x < 0 ? "−" : "") + Math.abs(x).toFixed(d) : "–";
const pct = (x) => (typeof x === "number" && isFinite(x) ? Math.round(x * 100) + "%" : "–");
const str = (x) => (x === undefined || x === null ? "" : typeof x === "string" ? x : JSON.stringify(x));

// ---- traces, loaded on demand ----
let tracesBlob = null;
const liveTraces = new Map();
async function allTraces(ri) {
  if (LIVE) {
    if (!liveTraces.has("all" + ri)) {
      const res = await fetch("traces.json?run=" + ri);
      liveTraces.set("all" + ri, await res.json());
    }
    return liveTraces.get("all" + ri);
  }
  if (!tracesBlob) {
    const node = $("run-traces");
    tracesBlob = node ? JSON.parse(node.textContent) : RUNS.map(() => ({ traces: {}, pairs: {}, gate: {} }));
  }
  return tracesBlob[ri] || { traces: {}, pairs: {}, gate: {} };
}
async function traceOf(ri, id) {
  if (id === undefined) return {};
  if (LIVE) {
    const key = ri + "\u0000" + id;
    if (!liveTraces.has(key)) {
      const res = await fetch("trace.json?run=" + ri + "&id=" + encodeURIComponent(id));
      liveTraces.set(key, await res.json());
    }
    return liveTraces.get(key);
  }
  const t = await allTraces(ri);
  return { trace: t.traces[id], pair: t.pairs[id], gate: (t.gate || {})[id] };
}

// ---- header, tabs ----
const main = $("main");
const simulated = RUNS.some((r) => r.manifest.simulated === true || (r.summary && r.summary.simulated));
$("title").textContent = "Run viewer — " + RUNS.map((r) => r.name).join(" vs ");
if (simulated) {
  const b = $("banner");
  b.textContent = "SIMULATED: the authors were simulated; no number here says anything about a model.";
  b.hidden = false;
}
const sections = {};
const tabButtons = {};
const tabNames = [["overview", "Overview"], ["items", "Items"]];
if (RUNS.length === 2) tabNames.push(["compare", "Compare"]);
const nav = $("tabs");
for (const [key, label] of tabNames) {
  const b = h("button", {
    type: "button", id: "tab-" + key, class: "tab", "aria-controls": "section-" + key, text: label,
    onclick: () => show(key),
  });
  tabButtons[key] = b;
  nav.append(b);
  sections[key] = h("section", { id: "section-" + key, "aria-labelledby": "tab-" + key, hidden: true });
  main.append(sections[key]);
}
function show(key) {
  for (const k of Object.keys(sections)) {
    sections[k].hidden = k !== key;
    if (k === key) tabButtons[k].setAttribute("aria-current", "page");
    else tabButtons[k].removeAttribute("aria-current");
  }
  if (key === "items") itemsList.render();
  if (key === "compare" && compareList) compareList.render();
}

// ---- overview ----
function table(caption, head, rows, cls) {
  return h("div", { class: "scroll" }, h("table", { class: cls || "" },
    h("caption", { text: caption }),
    h("thead", null, h("tr", null, head.map((c) => h("th", { scope: "col", text: c })))),
    h("tbody", null, rows.map((r) => h("tr", null, r.map((c, i) =>
      i === 0 ? h("th", { scope: "row", text: c }) : h("td", { text: c })))))));
}
function chart(c) {
  if (typeof c.src !== "string" || !c.src.startsWith("data:image/svg+xml;base64,")) return null;
  return h("figure", { class: "chart" }, h("img", { src: c.src, alt: c.alt }), h("figcaption", { text: c.title }));
}
function roleLines(m) {
  const roles = m.roles && typeof m.roles === "object" ? m.roles : {};
  return Object.keys(roles).map((role) => {
    const r = roles[role] || {};
    return role + ": " + str(r.provider) + " / " + str(r.model);
  });
}
function overview(run, ri) {
  const m = run.manifest, p = m.parameters || {}, s = run.summary;
  const facts = [
    ["Run", run.name + (run.complete ? "" : " (in progress: records from the journal)")],
    ["Created", str(m.createdAt)],
    ["Task kind", str(p.task || (s && s.task))],
    ["Dataset", str(p.dataset) + (m.datasetItems !== undefined ? " — " + m.datasetItems + " items" : "") +
      (m.datasetHash ? " (sha256 " + String(m.datasetHash).slice(0, 12) + "…)" : "")],
    ["Seeds", Array.isArray(m.seeds) ? m.seeds.join(", ") : str(m.seeds)],
    ["Models per role", roleLines(m).join("; ") || "–"],
    ["Constitution", (Array.isArray(m.constitutionPrinciples) ? m.constitutionPrinciples.length + " principles: " +
      m.constitutionPrinciples.join(", ") : "–") + (m.constitutionHash ? " (sha256 " + String(m.constitutionHash).slice(0, 12) + "…)" : "")],
    ["Records", String(run.records.length)],
  ];
  const ak = p.answerKey && typeof p.answerKey === "object" ? p.answerKey : {};
  const flagged = Object.keys(ak).filter((a) => Array.isArray(ak[a]) && ak[a].length);
  facts.push(["Answer key", flagged.length
    ? "seen by " + flagged.map((a) => a + " (" + ak[a].join("; ") + ")").join(", ") + " — their Δ is not self-correction"
    : "no arm sees the answer key"]);
  const out = [h("h2", { text: "Run " + run.name })];
  out.push(h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])));
  if (s && Array.isArray(s.arms)) {
    const rows = s.arms.map((a) => {
      const v = a.vsBaseline, c = a.vsControl;
      return [
        a.arm + (a.answerKey && a.answerKey.length ? " †" : ""), a.kind, a.critic + " / " + a.gate, String(a.n),
        num(a.meanScore), pct(a.passRate),
        v ? signed(v.delta) : "–", v ? "[" + signed(v.ci.low) + ", " + signed(v.ci.high) + "]" : "–",
        v ? v.wtl.wins + "/" + v.wtl.ties + "/" + v.wtl.losses : "–",
        a.flips ? a.flips.correctToWrong + "/" + a.flips.wrongToCorrect : "–",
        c ? signed(c.delta) + " vs " + str(a.control) : "–",
        num(a.meanCalls, 1), Math.round(a.meanTokens) + "", a.meanCostUsd !== undefined ? "$" + num(a.meanCostUsd, 4) : "–",
        String(a.errors),
      ];
    });
    out.push(table("Arms — Δ vs baseline with 95% CI, W/T/L over items, flips ✓→✗/✗→✓ over item × seed",
      ["Arm", "Kind", "Critic / gate", "n", "Mean", "Pass", "Δ", "95% CI", "W/T/L", "Flips", "Δ vs control",
        "Calls", "Tokens", "Cost", "Errors"], rows, "arms"));
    if (Array.isArray(s.notes) && s.notes.length) out.push(h("ul", { class: "notes" }, s.notes.map((n) => h("li", { text: n }))));
  } else {
    out.push(h("p", { class: "note", text: "summary.json is not written yet: the arms table appears when the run ends." }));
  }
  if (Array.isArray(run.gateAudit) && run.gateAudit.length) {
    out.push(table("Gate audit — the gate against the hidden outcome", ["Arm", "Gate", "Candidates", "False accept",
      "False reject", "Revisions", "Promoted ↑", "Promoted ↓", "Missed ↑", "Blocked ↓", "Decision accuracy"],
      run.gateAudit.map((g) => [g.arm, g.gate, String(g.candidates), pct(g.falseAcceptRate), pct(g.falseRejectRate),
        String(g.revisions), String(g.promotedImprovements), String(g.promotedRegressions),
        String(g.missedImprovements), String(g.blockedRegressions), pct(g.decisionAccuracy)])));
  }
  out.push(h("div", { class: "charts" }, (run.charts || []).map(chart)));
  return h("div", { class: "run", "data-run": ri }, out);
}
function renderOverview() {
  sections.overview.replaceChildren(...RUNS.map(overview));
}

// ---- a virtualised list ----
function makeList(opts) {
  const head = h("div", { class: "row head", "aria-hidden": "true" }, opts.columns.map((c) => h("span", { text: c.label })));
  const spacer = h("div", { class: "spacer" });
  const vp = h("div", { class: "viewport", tabIndex: -1, role: "group", "aria-label": opts.label }, spacer);
  let rows = [];
  let focusIndex = -1;
  let queued = false;
  const list = {
    node: h("div", { class: "list" }, head, vp),
    set(indices) { rows = indices; focusIndex = Math.min(focusIndex, rows.length - 1); vp.scrollTop = 0; list.render(); },
    render() {
      spacer.style.height = rows.length * ROW + "px";
      const height = vp.clientHeight || 480;
      const first = Math.max(0, Math.floor(vp.scrollTop / ROW) - 4);
      const last = Math.min(rows.length, first + Math.ceil(height / ROW) + 8);
      const hadFocus = vp.contains(document.activeElement);
      const nodes = [];
      for (let i = first; i < last; i++) {
        const item = rows[i];
        const b = h("button", { type: "button", class: "row" + (opts.rowClass ? " " + opts.rowClass(item) : ""), "data-index": i,
          tabIndex: i === focusIndex || (focusIndex < 0 && i === first) ? 0 : -1,
          onclick: () => { focusIndex = i; opts.open(item); },
          onfocus: () => { focusIndex = i; } },
          opts.columns.map((c) => h("span", { text: c.get(item) })));
        b.style.transform = "translateY(" + i * ROW + "px)";
        nodes.push(b);
      }
      spacer.replaceChildren(...nodes);
      if (hadFocus) list.focus(focusIndex);
    },
    focus(i) {
      if (!rows.length) return;
      focusIndex = Math.max(0, Math.min(rows.length - 1, i));
      const top = focusIndex * ROW;
      if (top < vp.scrollTop) vp.scrollTop = top;
      else if (top + ROW > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW - vp.clientHeight;
      const b = spacer.querySelector('[data-index="' + focusIndex + '"]');
      if (b) b.focus(); else { list.render(); const again = spacer.querySelector('[data-index="' + focusIndex + '"]'); if (again) again.focus(); }
    },
    refocus() { list.focus(focusIndex); },
  };
  vp.addEventListener("scroll", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; list.render(); });
  });
  vp.addEventListener("keydown", (e) => {
    const page = Math.max(1, Math.floor(vp.clientHeight / ROW) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) list.focus(focusIndex + moves[e.key]);
    else if (e.key === "Home") list.focus(0);
    else if (e.key === "End") list.focus(rows.length - 1);
    else return;
    e.preventDefault();
  });
  return list;
}

// ---- items ----
const OUTCOMES = [["", "any"], ["win", "win vs baseline"], ["tie", "tie vs baseline"], ["loss", "loss vs baseline"],
  ["c2w", "correct → wrong"], ["w2c", "wrong → correct"], ["baseline", "baseline arm (nothing to compare)"]];
const GATES = [["", "any"], ["false_accept", "false accept"], ["false_reject", "false reject"], ["ok", "no gate error known"]];
const ERRORS = [["", "any"], ["error", "with an error"], ["ok", "without an error"]];
const SORTS = [["id", "item id"], ["arm", "arm"], ["seed", "seed"], ["score-desc", "score, high first"],
  ["score-asc", "score, low first"], ["delta-desc", "Δ vs baseline, high first"], ["delta-asc", "Δ vs baseline, low first"]];
function select(id, label, options, onchange) {
  const s = h("select", { id, onchange }, options.map(([v, t]) => h("option", { value: v, text: t })));
  return { node: h("label", { for: id, class: "control" }, h("span", { text: label }), s), el: s };
}
let currentRun = 0;
const textIndex = RUNS.map(() => null);
async function buildTextIndex(ri) {
  if (textIndex[ri]) return textIndex[ri];
  const t = await allTraces(ri);
  const index = new Map();
  for (const id of Object.keys(t.traces || {})) {
    const tr = t.traces[id];
    index.set(id, (tr.prompt + "\n" + tr.candidates.map((c) => c.text).join("\n")).toLowerCase());
  }
  textIndex[ri] = index;
  return index;
}
const ctl = {};
const filterForm = h("form", { class: "controls", role: "search", "aria-label": "Filter records", onsubmit: (e) => e.preventDefault() });
if (RUNS.length > 1) {
  ctl.run = select("f-run", "Run", RUNS.map((r, i) => [String(i), r.name]), () => { currentRun = Number(ctl.run.el.value); fillArmSeed(); applyFilters(); });
  filterForm.append(ctl.run.node);
}
ctl.arm = select("f-arm", "Arm", [["", "any"]], () => applyFilters());
ctl.seed = select("f-seed", "Seed", [["", "any"]], () => applyFilters());
ctl.outcome = select("f-outcome", "Outcome", OUTCOMES, () => applyFilters());
ctl.gate = select("f-gate", "Gate verdict", GATES, () => applyFilters());
ctl.error = select("f-error", "Error", ERRORS, () => applyFilters());
ctl.sort = select("f-sort", "Sort by", SORTS, () => applyFilters());
const search = h("input", { id: "f-search", type: "search", placeholder: "item id or text", autocomplete: "off",
  oninput: () => { clearTimeout(search.timer); search.timer = setTimeout(applyFilters, 150); } });
const searchText = h("input", { id: "f-text", type: "checkbox", onchange: () => applyFilters() });
filterForm.append(ctl.arm.node, ctl.seed.node, ctl.outcome.node, ctl.gate.node, ctl.error.node, ctl.sort.node,
  h("label", { for: "f-search", class: "control" }, h("span", { text: "Search" }), search),
  h("label", { for: "f-text", class: "control check" }, searchText, h("span", { text: "also search prompts and answers" })));
function fillArmSeed() {
  const recs = RUNS[currentRun].records;
  const arms = [...new Set(recs.map((r) => r.arm))];
  const seeds = [...new Set(recs.map((r) => r.seed))].sort((a, b) => a - b);
  for (const [c, values] of [[ctl.arm, arms], [ctl.seed, seeds]]) {
    const keep = c.el.value;
    c.el.replaceChildren(h("option", { value: "", text: "any" }), ...values.map((v) => h("option", { value: String(v), text: String(v) })));
    c.el.value = values.map(String).includes(keep) ? keep : "";
  }
}
const count = h("p", { id: "count", role: "status", "aria-live": "polite" });
const recordLabel = (r) => r.id;
const itemsList = makeList({
  label: "Records",
  columns: [
    { label: "Item", get: recordLabel }, { label: "Arm", get: (r) => r.arm }, { label: "Seed", get: (r) => String(r.seed) },
    { label: "Score", get: (r) => num(r.score) + (r.passed ? " ✓" : "") },
    { label: "Δ vs base", get: (r) => (r.baselineScore === undefined ? "–" : signed(r.score - r.baselineScore)) },
    { label: "Outcome", get: (r) => [r.outcome || "", r.flip === "c2w" ? "✓→✗" : r.flip === "w2c" ? "✗→✓" : ""].join(" ").trim() },
    { label: "Flags", get: (r) => [r.error ? "error" : "", (r.gateErrors || []).join(" ").replace(/_/g, " ")].join(" ").trim() },
  ],
  rowClass: (r) => r.error ? "err" : r.outcome || "",
  open: (r) => openDetail(currentRun, r),
});
const detail = h("section", { id: "detail", class: "detail", "aria-label": "Item detail", tabIndex: -1, hidden: true });
sections.items.append(filterForm, count, itemsList.node, detail);
let filterSeq = 0;
async function applyFilters() {
  const seq = ++filterSeq;
  const t0 = performance.now();
  const recs = RUNS[currentRun].records;
  const arm = ctl.arm.el.value, seed = ctl.seed.el.value, outcome = ctl.outcome.el.value;
  const gate = ctl.gate.el.value, error = ctl.error.el.value, sort = ctl.sort.el.value;
  const q = search.value.trim().toLowerCase();
  const texts = q && searchText.checked ? await buildTextIndex(currentRun) : null;
  if (seq !== filterSeq) return;
  const out = [];
  for (const r of recs) {
    if (arm && r.arm !== arm) continue;
    if (seed && String(r.seed) !== seed) continue;
    if (outcome === "c2w" || outcome === "w2c") { if (r.flip !== outcome) continue; }
    else if (outcome === "baseline") { if (r.outcome !== undefined) continue; }
    else if (outcome && r.outcome !== outcome) continue;
    if (gate === "ok" ? r.gateErrors && r.gateErrors.length : gate && !(r.gateErrors || []).includes(gate)) continue;
    if (error === "error" ? r.error === undefined : error === "ok" && r.error !== undefined) continue;
    if (q) {
      const hay = (r.id + "\n" + r.arm + "\n" + str(r.extracted) + "\n" + str(r.error)).toLowerCase();
      if (!hay.includes(q) && !(texts && r.traceId !== undefined && (texts.get(r.traceId) || "").includes(q))) continue;
    }
    out.push(r);
  }
  const cmp = {
    id: (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.seed - b.seed),
    arm: (a, b) => (a.arm < b.arm ? -1 : a.arm > b.arm ? 1 : 0),
    seed: (a, b) => a.seed - b.seed,
    "score-desc": (a, b) => b.score - a.score,
    "score-asc": (a, b) => a.score - b.score,
    "delta-desc": (a, b) => d(b) - d(a),
    "delta-asc": (a, b) => d(a) - d(b),
  }[sort];
  function d(r) { return r.baselineScore === undefined ? -Infinity : r.score - r.baselineScore; }
  if (cmp) out.sort(cmp);
  itemsList.set(out);
  count.textContent = out.length + " of " + recs.length + " records" + (LIVE ? " (live)" : "");
  document.body.dataset.filterMs = String(Math.round(performance.now() - t0));
}

// ---- item detail ----
function pre(text, cls) { return h("pre", { class: cls || "" }, h("code", { text })); }
function diffView(before, after) {
  const lines = lineDiff(before, after, { maxCells: 1000000 });
  return h("pre", { class: "diff", "aria-label": "line diff against the previous candidate" },
    lines.map((l) => h("span", { class: "d-" + l.op, text: (l.op === "add" ? "+ " : l.op === "del" ? "- " : "  ") + l.text + "\n" })));
}
// ---- hidden scores per candidate (gate_candidates.jsonl, written by bench audit) ----
const AUDIT_HINT = "Hidden scores per candidate are not known for this run: run " +
  "\u0060deno task bench audit --out RUN_DIR\u0060 (with the run's --dataset and --limit) to see hidden scores per candidate.";
function gateCall(g) {
  if (g.gateSource === null) return "no gate score";
  return g.gateSource + " " + num(g.gateScore) + (g.gatePassed ? " passed" : " failed") + (g.verdict ? "; judge: " + g.verdict : "");
}
function ratchetCall(g, t) {
  if (g.index === 0) return "first answer";
  if (g.decision === null) return t.keepsEveryRevision ? "replaced the answer (no gate)" : "no decision";
  return (g.decision === "keep" ? "kept" : "reverted") + (g.promoted ? ", new best" : "");
}
function hindsight(g) {
  if (g.rightInHindsight === null) return g.hiddenBestBefore === null || g.decision === null ? "– (no call)" : "– (tie on hidden tests)";
  return (g.rightInHindsight ? "right" : "wrong") + " (best before: " + num(g.hiddenBestBefore) + ")";
}
function hiddenTable(run, t, rows) {
  if (!run.candidatesAudited) return h("p", { class: "note audit-hint", text: AUDIT_HINT });
  if (!rows || !rows.length) return h("p", { class: "note", text: "The gate audit has no hidden scores for this trace's candidates." });
  const label = "Hidden score per candidate — hidden — the roles never saw this";
  const head = ["Round", "Candidate", "Gate (what the roles saw)", "Ratchet", "Hidden score", "Hidden passed", "Right in hindsight"];
  const body = rows.slice().sort((a, b) => a.index - b.index).map((g) =>
    h("tr", { class: g.rightInHindsight === false ? "wrong" : g.rightInHindsight ? "right" : "" },
      h("th", { scope: "row", text: String(g.round) }),
      [String(g.index) + (g.chosen ? " (chosen)" : ""), gateCall(g), ratchetCall(g, t), num(g.hiddenScore),
        g.hiddenPassed ? "✓ passed" : "✗ failed", hindsight(g)].map((v) => h("td", { text: v }))));
  return h("div", { class: "scroll hidden-audit", role: "region", "aria-label": label, tabIndex: 0 },
    h("table", { class: "candidates" }, h("caption", { text: label }),
      h("thead", null, h("tr", null, head.map((c) => h("th", { scope: "col", text: c })))), h("tbody", null, body)));
}
function candidateView(c, i, t, r, g) {
  const parts = [h("h4", { text: "Round " + c.round + (i === t.chosenIndex ? " — chosen" : "") })];
  if (i > 0) {
    parts.push(h("p", { class: "label", text: "Answer, as a diff against round " + t.candidates[i - 1].round + ":" }));
    parts.push(diffView(t.candidates[i - 1].text, c.text));
    parts.push(h("details", null, h("summary", { text: "Full answer" }), pre(c.text)));
  } else parts.push(h("p", { class: "label", text: "Answer:" }), pre(c.text));
  if (c.critiques && c.critiques.length) {
    parts.push(h("p", { class: "label", text: c.critiques.length + " critique(s):" }));
    parts.push(h("ul", { class: "critiques" }, c.critiques.map((k) => h("li", null,
      h("span", { class: "principle", text: k.principleId }), " ", h("span", { class: "sev sev-" + k.severity, text: k.severity }),
      " ", h("span", { text: k.issue }),
      k.fix ? h("div", { class: "fix", text: "Fix: " + k.fix }) : null,
      k.quote ? h("div", { class: "quote", text: "Quote: " + k.quote }) : null))));
  } else parts.push(h("p", { class: "label", text: "No critiques." }));
  const facts = [];
  if (c.verdict) facts.push(["Judge", c.verdict.verdict + " (" + num(c.verdict.score) + ")" + (c.verdict.reasons.length ? ": " + c.verdict.reasons.join("; ") : "")]);
  if (c.score) facts.push(["Gate score", c.score.source + " " + num(c.score.score) + (c.score.passed ? " passed" : "") + (c.score.detail ? " — " + c.score.detail : "")]);
  const hidden = i === 0 && r ? r.initialScore : i === t.chosenIndex && r ? r.score : undefined;
  if (g) {
    facts.push(["Hidden score (audit; the roles never saw it)", num(g.hiddenScore) + (g.hiddenPassed ? " passed" : " failed") +
      (g.rightInHindsight === null ? "" : " — the ratchet's call was " + (g.rightInHindsight ? "right" : "wrong"))]);
  } else if (hidden !== undefined) {
    const hp = i === t.chosenIndex ? r.passed : hidden === 1;
    let verdict = "";
    if (c.score && c.score.passed && !hp) verdict = " — gate false accept";
    if (c.score && !c.score.passed && hp) verdict = " — gate false reject";
    facts.push(["Hidden score", num(hidden) + (hp ? " passed" : "") + verdict]);
  }
  if (c.decision) facts.push(["Ratchet", c.decision.decision + " (" + num(c.decision.candidateScore) + " vs best " + num(c.decision.bestScore) + "): " + c.decision.reason]);
  if (c.feedback) facts.push(["Feedback to the next round", c.feedback]);
  if (c.teacherAdvice) facts.push(["Teacher advice", c.teacherAdvice]);
  if (facts.length) parts.push(h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])));
  return h("article", { class: "candidate" }, parts);
}
async function detailNodes(ri, r) {
  const run = RUNS[ri];
  const facts = [["Run", run.name], ["Score", num(r.score) + (r.passed ? " (passed)" : "")], ["First answer's score", num(r.initialScore)]];
  if (r.baselineScore !== undefined) facts.push(["Baseline, same seed", num(r.baselineScore) + " → " + (r.outcome || "") + (r.flip === "c2w" ? ", correct → wrong" : r.flip === "w2c" ? ", wrong → correct" : "")]);
  facts.push(["Rounds / calls / tokens", r.rounds + " / " + r.calls + " / " + r.tokens], ["Stop reason", r.stopReason]);
  if (r.costUsd !== undefined) facts.push(["Cost", "$" + num(r.costUsd, 5)]);
  if (r.extractRule !== undefined) facts.push(["Extracted answer", (r.extracted === null || r.extracted === undefined ? "none" : r.extracted) + " (rule: " + r.extractRule + ")"]);
  if (r.judgeScores) facts.push(["Panel judges", r.judgeScores.map((s) => (s === null ? "unparseable" : num(s))).join(", ")]);
  if (r.unscored) facts.push(["Unscored", "no judge gave a parseable verdict"]);
  if (r.gateErrors) facts.push(["Gate", r.gateErrors.join(", ").replace(/_/g, " ")]);
  if (r.error !== undefined) facts.push(["Error", r.error]);
  const out = [h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]))];
  const { trace: t, pair, gate } = await traceOf(ri, r.traceId);
  if (!t) { out.push(h("p", { class: "note", text: r.traceId === undefined ? "No trace: this arm records none (e.g. best-of-n)." : "The trace is not in traces.jsonl (yet)." })); return out; }
  out.push(h("h4", { text: "Prompt" }), pre(t.prompt));
  out.push(h("h4", { text: "Hidden score per candidate" }), hiddenTable(run, t, gate));
  const rowAt = new Map((gate || []).map((g) => [g.index, g]));
  t.candidates.forEach((c, i) => out.push(candidateView(c, i, t, r, rowAt.get(i))));
  if (pair) {
    out.push(h("h4", { text: "Preference pair (DPO)" }));
    if (pair.kept) out.push(h("p", { class: "label", text: "Chosen:" }), pre(pair.chosen), h("p", { class: "label", text: "Rejected:" }), pre(pair.rejected));
    else out.push(h("p", { text: "No pair: dropped by the " + pair.droppedBy + " gate." }));
  }
  return out;
}
let lastOpener = null;
async function openDetail(ri, r) {
  lastOpener = itemsList;
  detail.hidden = false;
  const title = h("h3", { id: "detail-title", tabIndex: -1, text: r.id + " — " + r.arm + " — seed " + r.seed });
  detail.replaceChildren(h("button", { type: "button", class: "back", text: "Back to the list", onclick: () => itemsList.refocus() }), title, h("p", { text: "Loading…" }));
  const nodes = await detailNodes(ri, r);
  detail.replaceChildren(detail.firstChild, title, ...nodes);
  title.focus();
}

// ---- compare ----
let compareList = null;
if (RUNS.length === 2) {
  const c = DATA.comparison;
  const sec = sections.compare;
  const A = RUNS[0], B = RUNS[1];
  sec.append(h("h2", { text: B.name + " vs " + A.name }));
  if (c) {
    sec.append(c.differences.length
      ? h("div", null, h("p", { text: "What differs (A → B):" }), h("ul", null, c.differences.map((d) => h("li", { text: d }))))
      : h("p", { text: "The manifests do not differ in models, constitution, dataset, seeds or parameters." }));
    sec.append(table("bench compare: Δ = B − A per arm over items (cluster bootstrap 95% CI)",
      ["Arm", "Items", A.name, B.name, "Δ (B − A)", "95% CI", "W/T/L", "p (sign)", "Flips ✓→✗/✗→✓"],
      c.arms.map((a) => [a.arm, String(a.paired.n), num(a.paired.meanA), num(a.paired.meanB), signed(a.paired.delta),
        "[" + signed(a.paired.ci.low) + ", " + signed(a.paired.ci.high) + "]",
        a.paired.wtl.wins + "/" + a.paired.wtl.ties + "/" + a.paired.wtl.losses,
        a.paired.n ? num(a.paired.signTest.p) : "–", a.flips.correctToWrong + "/" + a.flips.wrongToCorrect]), "compare"));
    if (c.notes.length) sec.append(h("ul", { class: "notes" }, c.notes.map((n) => h("li", { text: n }))));
  } else if (DATA.comparisonError) {
    sec.append(h("p", { class: "note", text: DATA.comparisonError }));
  }
  sec.append(h("div", { class: "charts" }, (DATA.comparisonCharts || []).map(chart)));
  const pairs = new Map();
  for (const [side, run] of [["a", A], ["b", B]]) {
    for (const r of run.records) {
      const key = r.arm + "\u0000" + r.seed + "\u0000" + r.id;
      const p = pairs.get(key) || { id: r.id, arm: r.arm, seed: r.seed };
      p[side] = r;
      pairs.set(key, p);
    }
  }
  const all = [...pairs.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : x.arm < y.arm ? -1 : x.arm > y.arm ? 1 : x.seed - y.seed));
  const differs = (p) => !p.a || !p.b || p.a.score !== p.b.score || p.a.passed !== p.b.passed || str(p.a.extracted) !== str(p.b.extracted);
  const onlyDiff = h("input", { id: "c-diff", type: "checkbox", onchange: () => applyCompare() });
  const cArm = select("c-arm", "Arm", [["", "any"]].concat([...new Set(all.map((p) => p.arm))].map((a) => [a, a])), () => applyCompare());
  const cCount = h("p", { id: "c-count", role: "status", "aria-live": "polite" });
  compareList = makeList({
    label: "Items of both runs",
    columns: [
      { label: "Item", get: (p) => p.id }, { label: "Arm", get: (p) => p.arm }, { label: "Seed", get: (p) => String(p.seed) },
      { label: A.name, get: (p) => (p.a ? num(p.a.score) + (p.a.passed ? " ✓" : "") : "missing") },
      { label: B.name, get: (p) => (p.b ? num(p.b.score) + (p.b.passed ? " ✓" : "") : "missing") },
      { label: "Δ (B − A)", get: (p) => (p.a && p.b ? signed(p.b.score - p.a.score) : "–") },
    ],
    rowClass: (p) => (p.a && p.b ? (p.b.score > p.a.score ? "win" : p.b.score < p.a.score ? "loss" : "tie") : ""),
    open: (p) => openCompare(p),
  });
  const cDetail = h("section", { id: "c-detail", class: "detail", "aria-label": "Both runs on one item", tabIndex: -1, hidden: true });
  sec.append(h("form", { class: "controls", "aria-label": "Filter items of both runs", onsubmit: (e) => e.preventDefault() }, cArm.node,
    h("label", { for: "c-diff", class: "control check" }, onlyDiff, h("span", { text: "show only items that differ" }))), cCount, compareList.node, cDetail);
  function applyCompare() {
    const arm = cArm.el.value;
    const out = all.filter((p) => (!arm || p.arm === arm) && (!onlyDiff.checked || differs(p)));
    compareList.set(out);
    cCount.textContent = out.length + " of " + all.length + " item × arm × seed units";
  }
  async function openCompare(p) {
    cDetail.hidden = false;
    const title = h("h3", { tabIndex: -1, text: p.id + " — " + p.arm + " — seed " + p.seed });
    const cols = [];
    for (const [ri, r] of [[0, p.a], [1, p.b]]) {
      cols.push(h("div", { class: "side" }, h("h4", { text: RUNS[ri].name }), r ? await detailNodes(ri, r) : h("p", { text: "No record in this run." })));
    }
    cDetail.replaceChildren(h("button", { type: "button", class: "back", text: "Back to the list", onclick: () => compareList.refocus() }), title, h("div", { class: "sides" }, cols));
    title.focus();
  }
  applyCompare();
}

// ---- live updates ----
async function poll() {
  for (let ri = 0; ri < RUNS.length; ri++) {
    const run = RUNS[ri];
    try {
      const res = await fetch("records.json?run=" + ri + "&from=" + run.records.length);
      const body = await res.json();
      let changed = false;
      if (body.total < run.records.length) { run.records = body.records; changed = true; }
      else if (body.records.length) { run.records = run.records.concat(body.records); changed = true; }
      if (body.complete && !run.complete) {
        const full = await (await fetch("run.json?run=" + ri)).json();
        RUNS[ri] = Object.assign(full, { records: run.records.length >= full.records.length ? run.records : full.records });
        textIndex[ri] = null;
        liveTraces.clear();
        renderOverview();
        changed = true;
      }
      if (changed) {
        if (!sections.overview.hidden) renderOverview();
        if (ri === currentRun) { fillArmSeed(); await applyFilters(); }
        $("live").textContent = "Live: " + RUNS.map((r) => r.name + " " + r.records.length + " records" + (r.complete ? " (finished)" : "")).join("; ");
      }
    } catch (e) {
      $("live").textContent = "Live updates paused: " + String(e && e.message ? e.message : e);
    }
  }
}

renderOverview();
fillArmSeed();
applyFilters().then(() => {
  show("overview");
  document.body.dataset.ready = "1";
});
if (LIVE) {
  $("live").textContent = "Live: polling the server for new records every 2 s.";
  setInterval(poll, 2000);
}
`;

/**
 * The viewer's browser script: the library's line diff, then the page logic.
 *
 * @returns JavaScript source for one inline `<script>` element.
 *
 * @example The script never uses innerHTML
 * ```ts
 * import { viewerScript } from "./viewer_script.ts";
 * if (viewerScript().includes("innerHTML") || !viewerScript().includes("function lineDiff")) throw new Error();
 * ```
 */
export function viewerScript(): string {
  return `(() => {\n${DIFF_HELPERS}\n${diffLines.toString()}\n${lineDiff.toString()}\n${CLIENT}\n})();\n`;
}
