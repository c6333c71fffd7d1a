/**
 * The graduated gate: after `patience` consecutive iterations without a keep the society changes
 * strategy (diversify: proposers are told to try something structurally different and their
 * temperature rises by `temperature_step` per failed iteration); after `2 × patience` it throttles
 * (one proposer, one candidate, an optional pause); after `3 × patience` the run stops, with the
 * reason logged. Any keep resets the gate.
 *
 * @module
 */
import type { GateState } from "./ledger.ts";

/** Gate settings (from `problem.yaml`'s `gate`). */
export interface GateConfig {
  /** Consecutive failed iterations per escalation step. */
  patience: number;
  /** Temperature added per failed iteration once diversifying. */
  temperature_step: number;
}

/** The result of {@linkcode advanceGate}. */
export interface GateUpdate {
  /** The new state. */
  state: GateState;
  /** A message when the stage changed. */
  transition?: string;
}

/** The state of a fresh run. */
export const INITIAL_GATE: GateState = {
  stage: "normal",
  consecutiveFailures: 0,
  temperatureBoost: 0,
};

/**
 * Advances the gate after an iteration.
 *
 * @param state The state before the iteration's outcome.
 * @param kept Whether the iteration kept a candidate.
 * @param config Patience and temperature step.
 * @returns The new state and, when the stage changed, why.
 *
 * @example Three failures with patience 1 escalate to stop
 * ```ts
 * import { advanceGate, INITIAL_GATE } from "./gate.ts";
 * let s = INITIAL_GATE;
 * const stages: string[] = [];
 * for (let i = 0; i < 3; i++) {
 *   s = advanceGate(s, false, { patience: 1, temperature_step: 0.2 }).state;
 *   stages.push(s.stage);
 * }
 * if (stages.join(",") !== "diversify,throttle,stop") throw new Error(stages.join(","));
 * ```
 */
export function advanceGate(state: GateState, kept: boolean, config: GateConfig): GateUpdate {
  if (!(Number.isInteger(config.patience) && config.patience >= 1)) {
    throw new RangeError(`advanceGate: patience must be an integer >= 1, got ${config.patience}`);
  }
  if (kept) {
    const state2: GateState = { ...INITIAL_GATE };
    return state.stage === "normal"
      ? { state: state2 }
      : { state: state2, transition: `gate: ${state.stage} → normal (a candidate was kept)` };
  }
  const failures = state.consecutiveFailures + 1;
  const p = config.patience;
  const stage: GateState["stage"] = failures >= 3 * p
    ? "stop"
    : failures >= 2 * p
    ? "throttle"
    : failures >= p
    ? "diversify"
    : "normal";
  const temperatureBoost = stage === "normal" ? 0 : config.temperature_step * (failures - p + 1);
  const next: GateState = { stage, consecutiveFailures: failures, temperatureBoost };
  if (stage === state.stage) return { state: next };
  const why: Record<GateState["stage"], string> = {
    normal: "",
    diversify: "changing strategy: proposers are told to diverge and run hotter",
    throttle: "throttling: one proposer, one candidate per iteration",
    stop: "stopping: no improvement",
  };
  return {
    state: next,
    transition: `gate: ${state.stage} → ${stage} after ${failures} consecutive iterations ` +
      `without a keep (${why[stage]})`,
  };
}
