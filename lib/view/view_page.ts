/**
 * The run viewer's HTML page: one self-contained file with its data, script, styles and charts
 * inline, a Content-Security-Policy that allows only the page's own script and style (by hash),
 * `data:` images and requests to the serving origin, and the run data embedded as JSON with every
 * `<`, `>`, `&` and line separator escaped, so no string in a run can close the script element.
 *
 * @module
 */
import { encodeBase64 } from "./_base64.ts";
import { viewerScript } from "./viewer_script.ts";

/** The page's styles: plain, light and dark, with a visible focus ring. */
export const VIEWER_STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1b1b; --muted: #5b5b5b; --line: #d0d0d0;
  --accent: #0b57d0; --win: #e6f4ea; --loss: #fce8e6; --err: #fff4ce; --add: #e6f4ea; --del: #fce8e6;
  --banner: #b3261e; --banner-fg: #ffffff; --row-hover: #f1f3f4; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #151617; --fg: #e8eaed; --muted: #a8abb0; --line: #3c4043; --accent: #8ab4f8;
    --win: #173a24; --loss: #4a1c1a; --err: #4a3f10; --add: #173a24; --del: #4a1c1a; --banner: #f2b8b5;
    --banner-fg: #3c0d0b; --row-hover: #24272b; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header, main { padding: 0 1.25rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.15rem; margin: 1.25rem 0 0.5rem; }
h3 { font-size: 1.05rem; }
h4 { margin: 1rem 0 0.25rem; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: 0.25rem 0.5rem; }
.banner { background: var(--banner); color: var(--banner-fg); padding: 0.4rem 0.75rem; font-weight: 600; }
nav { display: flex; gap: 0.25rem; border-bottom: 1px solid var(--line); margin: 0.5rem 0; }
button, select, input { font: inherit; color: inherit; }
.tab { background: none; border: 1px solid transparent; border-bottom: none; padding: 0.4rem 0.9rem; cursor: pointer; }
.tab[aria-current="page"] { border-color: var(--line); background: var(--row-hover); font-weight: 600; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.5rem 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
caption { text-align: left; color: var(--muted); padding: 0.25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.6rem; text-align: left; white-space: nowrap; }
td { font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.chart img { max-width: 100%; background: #ffffff; border: 1px solid var(--line); }
.chart figcaption { color: var(--muted); }
.note { color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; margin: 0.75rem 0; }
.control { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); }
.control select, .control input[type=search] { color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  padding: 0.25rem 0.4rem; min-width: 8rem; }
.control.check { flex-direction: row; align-items: center; gap: 0.35rem; }
.list { border: 1px solid var(--line); }
.row { display: grid; grid-template-columns: minmax(10rem, 3fr) minmax(6rem, 2fr) 4rem 6rem 6rem 8rem minmax(6rem, 2fr);
  gap: 0.5rem; align-items: center; height: 34px; padding: 0 0.6rem; width: 100%; text-align: left; }
.row span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.head { font-weight: 600; border-bottom: 1px solid var(--line); }
.viewport { height: 28rem; overflow-y: auto; position: relative; }
.spacer { position: relative; }
.spacer .row { position: absolute; top: 0; left: 0; border: none; border-bottom: 1px solid var(--line);
  background: var(--bg); cursor: pointer; }
.spacer .row:hover { background: var(--row-hover); }
.spacer .row.win { background: var(--win); }
.spacer .row.loss { background: var(--loss); }
.spacer .row.err { background: var(--err); }
.spacer .row:focus-visible { outline-offset: -3px; }
.detail { border-top: 2px solid var(--line); margin-top: 1rem; padding-top: 0.5rem; }
pre { background: var(--row-hover); padding: 0.5rem; overflow: auto; max-height: 28rem; white-space: pre-wrap;
  overflow-wrap: anywhere; margin: 0.25rem 0; }
.diff .d-add { background: var(--add); display: block; }
.diff .d-del { background: var(--del); display: block; text-decoration: line-through; }
.diff .d-same { display: block; }
.label { margin: 0.5rem 0 0; color: var(--muted); }
.candidate { border-left: 3px solid var(--line); padding-left: 0.75rem; margin: 1rem 0; }
.critiques li { margin: 0.25rem 0; overflow-wrap: anywhere; }
.principle { font-family: ui-monospace, monospace; font-weight: 600; }
.sev { border: 1px solid var(--line); border-radius: 0.6rem; padding: 0 0.4rem; font-size: 0.8rem; }
.sev-high { border-color: #d93025; }
.fix, .quote { color: var(--muted); }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.sides .side { min-width: 0; }
.back { margin: 0.25rem 0; }
.candidates tr.wrong td, .candidates tr.wrong th { background: var(--loss); }
.candidates tr.right td, .candidates tr.right th { background: var(--win); }
.audit-hint { border-left: 3px solid var(--line); padding-left: 0.5rem; }
`;

/** Escapes JSON for a `<script type="application/json">` element: `<`, `>`, `&`, U+2028/9 as \\u escapes. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return encodeBase64(new Uint8Array(digest));
}

/** What goes into the page. */
export interface ViewerPageParts {
  /** The data the script reads (`runs`, `live`, `comparison`, …). */
  data: unknown;
  /** Traces and pairs per run, read on demand; left out in served pages. @default undefined */
  traces?: unknown;
  /** The title of the page. */
  title: string;
}

/**
 * The Content-Security-Policy of a page whose only script and style have the given hashes.
 *
 * @param scriptHash Base64 SHA-256 of the inline script.
 * @param styleHash Base64 SHA-256 of the inline style.
 * @returns The policy text.
 */
export function viewerCsp(scriptHash: string, styleHash: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    `style-src 'sha256-${styleHash}'`,
    "img-src data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "object-src 'none'",
  ].join("; ");
}

/**
 * Builds the viewer page.
 *
 * @param parts Data, traces and title.
 * @returns The HTML and its Content-Security-Policy (also in the page's meta tag).
 *
 * @example A hostile string stays inside its JSON
 * ```ts
 * import { viewerPage } from "./view_page.ts";
 * const { html } = await viewerPage({ data: { runs: [], x: "</script><script>alert(1)</script>" }, title: "t" });
 * if (html.split("</script>").length !== 3) throw new Error("a string closed a script element");
 * ```
 */
export async function viewerPage(
  parts: ViewerPageParts,
): Promise<{ html: string; csp: string }> {
  const script = viewerScript();
  const csp = viewerCsp(await sha256Base64(script), await sha256Base64(VIEWER_STYLE));
  const title = parts.title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const traces = parts.traces === undefined
    ? ""
    : `<script type="application/json" id="run-traces">${scriptSafeJson(parts.traces)}</script>\n`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${VIEWER_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<h1 id="title">Run viewer</h1>
<p id="banner" class="banner" role="alert" hidden></p>
<nav id="tabs" aria-label="Views"></nav>
<p id="live" role="status" aria-live="polite"></p>
</header>
<main id="main" tabindex="-1"></main>
<script type="application/json" id="run-data">${scriptSafeJson(parts.data)}</script>
${traces}<script>${script}</script>
</body>
</html>
`;
  return { html, csp };
}
