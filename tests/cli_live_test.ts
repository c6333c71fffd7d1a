import assert from "node:assert/strict";
import { startProtocolServer } from "./protocol_server.ts";
import { CAI, cleanEnv, loopHandler, ROOT } from "./testdata/cli/cli_helpers.ts";
import { shellJoin } from "../scripts/cai_run.ts";

/** This file's own tmux server (socket), so another tmux on the machine cannot interfere. */
const SOCKET = `cai-live-test-${Deno.pid}`;

async function tmux(args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  try {
    const r = await new Deno.Command("tmux", {
      args: ["-L", SOCKET, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
  } catch (error) {
    return { ok: false, out: "", err: String(error) };
  }
}

const hasTmux = (await tmux(["-V"])).ok;
if (!hasTmux) {
  console.warn("cli_live_test: tmux is not installed (apt-get install -y tmux); skipping");
}

/** Runs `cai` in a detached tmux session of the given size and returns the screen when it exits. */
async function capture(
  args: string[],
  env: Record<string, string>,
  size: { width: number; height: number },
): Promise<string> {
  const session = `cai-live-${crypto.randomUUID().slice(0, 8)}`;
  const vars = Object.entries(cleanEnv({ TERM: "xterm-256color", ...env }))
    .map(([k, v]) => `${k}=${shellJoin([v])}`).join(" ");
  const command = `cd ${shellJoin([ROOT])} && env -i ${vars} ${
    shellJoin([Deno.execPath(), "run", "-A", CAI, ...args])
  }; echo "EXIT=$?"; sleep 30`;
  const newSession = ["new-session", "-d", "-s", session, "-x", String(size.width), "-y"];
  // Killing the previous capture's session stops this socket's server; a new session started while
  // that server is still exiting fails with "server exited unexpectedly", so try again briefly.
  let started = await tmux([...newSession, String(size.height), command]);
  for (let retry = 0; !started.ok && retry < 20; retry++) {
    await new Promise((r) => setTimeout(r, 100));
    started = await tmux([...newSession, String(size.height), command]);
  }
  assert.ok(started.ok, `tmux session started: ${started.err}`);
  try {
    let screen = "";
    for (let i = 0; i < 400; i++) {
      screen = (await tmux(["capture-pane", "-p", "-t", session])).out;
      if (/EXIT=\d+/.test(screen)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return screen;
  } finally {
    await tmux(["kill-session", "-t", session]);
  }
}

Deno.test({
  name:
    "cai run --ui live in a real terminal draws role panels, the ratchet scoreboard, progress and tokens",
  ignore: !hasTmux,
  async fn() {
    const server = startProtocolServer({ handler: loopHandler });
    try {
      const args = [
        "run",
        "-p",
        "What is 2+2?",
        "-p",
        "Name a prime.",
        "--provider",
        "ollama:llama3.2",
        "--max-rounds",
        "2",
        "--ui",
        "live",
      ];
      const wide = await capture(args, { OLLAMA_HOST: server.url }, { width: 100, height: 40 });
      assert.match(wide, /EXIT=0/, wide);
      assert.match(wide, /^autoconstitution run · student ollama:llama3\.2/m);
      for (const role of ["student", "critic", "judge"]) {
        assert.match(wide, new RegExp(`^┌ ${role} ─+`, "m"), `${role} panel\n${wide}`);
      }
      assert.match(wide, /│ FINAL answer to: Name a prime\./);
      assert.match(wide, /^Scoreboard ─+/m);
      assert.match(wide, /prompt-2 +r1 0\.90 best 0\.90 keep/);
      assert.match(wide, /\[#+\] 2\/2 ETA/);
      assert.match(
        wide,
        /tokens in \d+ out \d+ {2}elapsed \d+:\d\d {2}cost \$0\.0000/,
        "Ollama is free",
      );
      assert.match(wide, /run [0-9a-f]{12}: 2\/2 item\(s\) done/);
      assert.equal((wide.match(/^Scoreboard/gm) ?? []).length, 1, "frames redraw in place");

      // A small terminal: the frame shrinks to fit and still redraws in place (one scoreboard).
      const small = await capture(args, { OLLAMA_HOST: server.url, NO_COLOR: "1" }, {
        width: 40,
        height: 16,
      });
      assert.match(small, /EXIT=0/, small);
      const rows = small.split("\n");
      rows.forEach((row, i) => {
        if (!row.startsWith("┌ ")) return;
        assert.ok(rows[i + 1].startsWith("│ ") && !rows[i + 2].startsWith("│"), "one-line panels");
      });
      assert.equal((small.match(/^Scoreboard ─+$/gm) ?? []).length, 1, small);
      assert.match(small, /tokens in \d+ out \d+/);
    } finally {
      await server.close();
    }
  },
});
