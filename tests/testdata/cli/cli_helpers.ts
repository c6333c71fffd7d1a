/**
 * Helpers of the CLI tests: run `scripts/cai.ts` as a subprocess with a clean environment, and a
 * protocol-server answer handler that plays student, critic, judge and teacher deterministically.
 *
 * @module
 */
import type { HandlerInput } from "../../protocol_server.ts";

/** The CLI entry point. */
export const CAI = new URL("../../../scripts/cai.ts", import.meta.url).pathname;

/** The repository root (the CLI's working directory in tests). */
export const ROOT = new URL("../../../", import.meta.url).pathname;

/** A port nothing listens on. */
export const CLOSED_OLLAMA = "http://127.0.0.1:9";

/** Output of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A clean environment: no API keys, Ollama pointed at `ollamaHost`, colour allowed unless set.
 *
 * @param extra Variables to add.
 * @returns The environment.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    OLLAMA_HOST: CLOSED_OLLAMA,
  };
  for (const name of ["DENO_DIR", "TMPDIR", "XDG_CACHE_HOME"]) {
    const v = Deno.env.get(name);
    if (v) env[name] = v;
  }
  return { ...env, ...extra };
}

/**
 * Runs `deno run -A scripts/cai.ts <args>` and collects its output.
 *
 * @param args Arguments.
 * @param options Environment additions and working directory.
 * @returns Exit code, stdout, stderr.
 */
export async function cai(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CAI, ...args],
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function between(text: string, open: string, close: string): string {
  const a = text.indexOf(open);
  if (a === -1) return "";
  const b = text.indexOf(close, a + open.length);
  return text.slice(a + open.length, b === -1 ? undefined : b).trim();
}

/**
 * Plays every loop role: the student's first answer is a DRAFT, its revision FINAL; the critic
 * flags DRAFT answers (principle `correctness`); the judge scores DRAFT 0.3 (needs_revision) and
 * anything else 0.9 (compliant).
 *
 * @param input The request.
 * @returns The answer text.
 */
export function loopHandler(input: HandlerInput): string {
  const system = input.messages.find((m) => m.role === "system")?.content ?? "";
  const user = input.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  const answer = between(user, "<answer>", "</answer>");
  if (system.includes("strict, fair reviewer")) {
    return answer.includes("DRAFT")
      ? JSON.stringify({
        critiques: [{
          principleId: "correctness",
          quote: "DRAFT",
          issue: "the draft is vague",
          fix: "give the exact answer",
          severity: "high",
        }],
      })
      : '{"critiques": []}';
  }
  if (system.includes("impartial judge")) {
    return answer.includes("DRAFT")
      ? '{"verdict": "needs_revision", "reasons": ["correctness: the draft is vague"], "score": 0.3}'
      : '{"verdict": "compliant", "reasons": [], "score": 0.9}';
  }
  if (system.includes("You are a teacher")) return "Be exact.";
  const task = between(user + "\n\n", "Task:\n", "\n\n");
  return user.includes("Your previous answer")
    ? `FINAL answer to: ${task}`
    : `DRAFT answer to: ${task}`;
}
