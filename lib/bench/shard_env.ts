/**
 * `shardFromEnv(env)`: which shard of a sharded benchmark this process is, read from the variables
 * a scheduler sets (`bench --shard auto`): a Slurm job array, a Kubernetes Indexed Job, or an
 * explicit `AUTOCONSTITUTION_SHARD=i/n` (a GitHub Actions matrix, or any other engine).
 *
 * @module
 */

/** The variable that pins the shard count (set by every generated launcher). */
export const SHARD_COUNT_VAR = "AUTOCONSTITUTION_SHARD_COUNT";

/** The variable giving the shard explicitly as `i/n` (any engine). */
export const SHARD_VAR = "AUTOCONSTITUTION_SHARD";

/** A shard, and the engine whose variables named it. */
export interface EnvShard {
  /** Shard index, 0 <= index < count. */
  index: number;
  /** Number of shards. */
  count: number;
  /** Where the index came from. */
  source: "explicit" | "slurm" | "kubernetes";
}

/** No shard could be read from the environment, or its variables are inconsistent. */
export class ShardEnvError extends Error {
  /**
   * Creates the error.
   *
   * @param message Which variables are missing or wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "ShardEnvError";
  }
}

function nonNegativeInt(env: Record<string, string | undefined>, name: string): number {
  const raw = env[name];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) {
    throw new ShardEnvError(
      `${name} must be a non-negative integer: current value is ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw.trim());
}

function checked(index: number, count: number, source: EnvShard["source"], what: string): EnvShard {
  if (count < 1 || index >= count) {
    throw new ShardEnvError(
      `Cannot use shard ${index}/${count} from ${what}: need 0 <= index < count`,
    );
  }
  return { index, count, source };
}

/**
 * Reads this process's shard from a scheduler's environment variables, in this order:
 *
 * 1. `AUTOCONSTITUTION_SHARD=i/n`: explicit (a GitHub Actions matrix, any other engine);
 * 2. Slurm job array: `SLURM_ARRAY_TASK_ID`; with `AUTOCONSTITUTION_SHARD_COUNT=n` (the generated
 *    sbatch script sets it) the task id is the shard index, so re-submitting one failed shard alone
 *    (`sbatch --array=2 …`) keeps its index; otherwise the index is `SLURM_ARRAY_TASK_ID -
 *    SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT` shards;
 * 3. Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` of `AUTOCONSTITUTION_SHARD_COUNT` shards (the
 *    generated manifest sets it to the Job's `completions`).
 *
 * @param env The environment (e.g. `Deno.env.toObject()`).
 * @returns The shard and its source.
 * @throws {ShardEnvError} outside a scheduler, or when its variables are incomplete or inconsistent.
 *
 * @example A Slurm array task
 * ```ts
 * import { shardFromEnv } from "./shard_env.ts";
 * const shard = shardFromEnv({
 *   SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "4", SLURM_ARRAY_TASK_COUNT: "3",
 * });
 * if (shard.index !== 1 || shard.count !== 3 || shard.source !== "slurm") throw new Error();
 * ```
 */
export function shardFromEnv(env: Record<string, string | undefined>): EnvShard {
  if (env === null || typeof env !== "object") {
    throw new TypeError(`Cannot read a shard from env: current value is ${String(env)}`);
  }
  const explicit = env[SHARD_VAR];
  if (explicit !== undefined && explicit.trim() !== "") {
    const m = /^(\d+)\/(\d+)$/.exec(explicit.trim());
    if (!m) {
      throw new ShardEnvError(
        `${SHARD_VAR} must be I/N: current value is ${JSON.stringify(explicit)}`,
      );
    }
    return checked(+m[1], +m[2], "explicit", SHARD_VAR);
  }
  const pinned = env[SHARD_COUNT_VAR] === undefined || env[SHARD_COUNT_VAR] === ""
    ? undefined
    : nonNegativeInt(env, SHARD_COUNT_VAR);
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = nonNegativeInt(env, "SLURM_ARRAY_TASK_ID");
    if (pinned !== undefined) {
      return checked(id, pinned, "slurm", `SLURM_ARRAY_TASK_ID and ${SHARD_COUNT_VAR}`);
    }
    const min = nonNegativeInt(env, "SLURM_ARRAY_TASK_MIN");
    const count = nonNegativeInt(env, "SLURM_ARRAY_TASK_COUNT");
    return checked(id - min, count, "slurm", "SLURM_ARRAY_TASK_ID/_MIN/_COUNT");
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const index = nonNegativeInt(env, "JOB_COMPLETION_INDEX");
    if (pinned === undefined) {
      throw new ShardEnvError(
        `a Kubernetes Indexed Job gives JOB_COMPLETION_INDEX but not the shard count: set ` +
          `${SHARD_COUNT_VAR} to the Job's completions (the manifest of 'bench launch k8s' does)`,
      );
    }
    return checked(index, pinned, "kubernetes", `JOB_COMPLETION_INDEX and ${SHARD_COUNT_VAR}`);
  }
  throw new ShardEnvError(
    "--shard auto found no scheduler in the environment: it reads a Slurm job array " +
      "(SLURM_ARRAY_TASK_ID), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with " +
      `${SHARD_COUNT_VAR}) or ${SHARD_VAR}=I/N; elsewhere pass --shard I/N`,
  );
}
