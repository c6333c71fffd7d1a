/**
 * `deno task view runs/<name> [runs/<other>] [--serve] [--port N]`: writes the run viewer to
 * `runs/<name>/index.html` (one self-contained file) and prints its path; with `--serve`, serves it
 * on 127.0.0.1 (a free port unless `--port` is given), prints the URL, follows new records while
 * the run goes, and stops on Ctrl-C.
 */
import { parseArgs } from "node:util";
import { serveViewer, writeViewer } from "../view.ts";

const USAGE = `usage: deno task view <run dir> [<other run dir>] [--serve] [--port N]

  Writes <run dir>/index.html: the manifest in words, the arms with Δ, CI, W/T/L and flips, every
  record filterable, and each item's rounds (answers with line diffs, critiques, verdicts, ratchet
  decisions). A second run on the same dataset is shown side by side (the Compare tab).

  --serve      serve the page on 127.0.0.1 and follow a run in progress (Ctrl-C stops)
  --port N     port to serve on (default: a free one)
  --resamples  bootstrap resamples of the comparison (default 9999, as bench compare)
`;

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    serve: { type: "boolean", default: false },
    port: { type: "string" },
    resamples: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help || positionals.length < 1 || positionals.length > 2) {
  (values.help ? console.log : console.error)(USAGE);
  Deno.exit(values.help ? 0 : 2);
}
const port = values.port === undefined ? 0 : Number(values.port);
const resamples = values.resamples === undefined ? undefined : Number(values.resamples);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer in 0..65535, got ${values.port}`);
  Deno.exit(2);
}
if (resamples !== undefined && !(Number.isInteger(resamples) && resamples > 0)) {
  console.error(`--resamples must be a positive integer, got ${values.resamples}`);
  Deno.exit(2);
}

try {
  const [dir, other] = positionals;
  if (values.serve) {
    const controller = new AbortController();
    const server = await serveViewer(positionals, {
      port,
      resamples,
      signal: controller.signal,
    });
    Deno.addSignalListener("SIGINT", () => controller.abort());
    console.log(`serving ${positionals.join(" vs ")} at ${server.url} (Ctrl-C stops)`);
    await server.finished;
  } else {
    console.log(await writeViewer(dir, { compare: other, resamples }));
  }
} catch (error) {
  console.error(`view: ${error instanceof Error ? error.message : error}`);
  Deno.exit(1);
}
