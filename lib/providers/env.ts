/**
 * Reading environment variables through an injectable map, so tests and callers can point providers
 * at other keys and base URLs without touching the process environment.
 *
 * @module
 */

/** An environment: variable name → value (undefined when unset). */
export type Env = Record<string, string | undefined>;

/**
 * Reads one variable from an injected environment, or from the process environment when none is
 * given. Missing permission to read the environment counts as "unset". Empty values count as unset.
 *
 * @param name Variable name, e.g. `"OPENAI_API_KEY"`.
 * @param env Injected environment; when undefined, `Deno.env` is used.
 * @returns The value, or undefined when unset or empty.
 *
 * @example Injected environment
 * ```ts
 * import { readEnv } from "./env.ts";
 * if (readEnv("K", { K: "v" }) !== "v") throw new Error("expected v");
 * if (readEnv("K", { K: "" }) !== undefined) throw new Error("empty counts as unset");
 * ```
 */
export function readEnv(name: string, env?: Env): string | undefined {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`readEnv: name must be a non-empty string, got ${String(name)}`);
  }
  let value: string | undefined;
  if (env) {
    value = env[name];
  } else {
    try {
      value = Deno.env.get(name);
    } catch {
      value = undefined;
    }
  }
  return value === undefined || value === "" ? undefined : value;
}
