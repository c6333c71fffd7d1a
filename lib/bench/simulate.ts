/**
 * Simulation mode for planning (`--provider sim`): a simulated student that writes real code by
 * injecting faults into a row's reference solution and repairs them with probability `repair` when it
 * receives feedback, and a simulated critic/judge with configurable false-accept / false-reject rates.
 * Every candidate is real code that the sandbox scores; only the *authors* are simulated. Outputs of a
 * simulated run must be labelled SIMULATED.
 *
 * The simulator knows the truth about every program it wrote (which faults it carries), so the
 * critic and judge can be made exactly as unreliable as asked.
 *
 * @module
 */
import type { Message } from "../schemas/chat.ts";
import type { CodingItem } from "../schemas/coding.ts";
import { type ChatOptions, type Provider, ProviderError } from "../providers/types.ts";
import { createRng, type Rng } from "../util/prng.ts";
import { sha256Hex } from "../util/hash.ts";
import { lastUser, simulatedChat } from "./_sim_chat.ts";
import { applyFaults, type FaultSite, findFaultSites } from "./faults.ts";

/** Behaviour of the simulated authors. All probabilities are in [0, 1]. */
export interface SimulationOptions {
  /** Probability that a first answer is already correct. @default 0.2 */
  correctFirst?: number;
  /** Probability that a faulty first answer carries two faults instead of one. @default 0.4 */
  twoFaults?: number;
  /** Probability that a revision given feedback on a faulty program removes one fault. @default 0.6 */
  repair?: number;
  /** Probability that a revision of a correct program (a false alarm) introduces a fault. @default 0.5 */
  breakOnFalseAlarm?: number;
  /** Probability that the critic/judge calls a faulty program fine (false accept). @default 0.3 */
  falseAccept?: number;
  /** Probability that the critic/judge calls a correct program faulty (false reject). @default 0.2 */
  falseReject?: number;
  /** Model name reported. @default "sim" */
  model?: string;
}

interface Known {
  itemId: string;
  faults: number[];
}

interface ItemState {
  item: CodingItem;
  sites: FaultSite[];
}

/** A simulated provider that can also tell the truth about a program it wrote (for tests and reports). */
export interface SimulatedProvider extends Provider {
  /** Number of faults in a program this simulator wrote, or undefined when unknown. */
  faultsOf(program: string): number | undefined;
  /**
   * Another simulated model with other behaviour (e.g. a stronger judge with lower false-accept and
   * false-reject rates) that knows the same programs — the asymmetric judge of a simulated run.
   */
  withOptions(options: SimulationOptions): SimulatedProvider;
}

function fence(code: string): string {
  return "```ts\n" + code.trimEnd() + "\n```";
}

/**
 * Creates a simulated provider over a coding dataset. It answers every role the loop uses:
 * `student` (first answer and revisions), `critic` (a critique list), `judge` (verdicts and pairwise
 * comparisons) and `teacher` (generic advice). Deterministic given `options.seed` of each call.
 *
 * @param items The coding rows (their `reference` is the simulated student's hidden knowledge).
 * @param options Probabilities of the simulated behaviour.
 * @returns A provider named "sim".
 *
 * @example A first answer is real code for the item
 * ```ts
 * import { createSimulatedProvider } from "./simulate.ts";
 * const item = {
 *   id: "add", prompt: "Write add(a, b).", language: "typescript" as const, entryPoint: "add",
 *   reference: "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
 *   visibleTests: [], hiddenTests: [{ name: "t", code: "assert.equal(add(1, 2), 3);" }],
 * };
 * const sim = createSimulatedProvider([item], { correctFirst: 0 });
 * const r = await sim.chat([{ role: "user", content: item.prompt }], { role: "student", itemId: "add", seed: 1 });
 * if (!r.text.includes("function add")) throw new Error();
 * if (sim.faultsOf(r.text) !== 1) throw new Error("expected one injected fault");
 * ```
 */
export function createSimulatedProvider(
  items: readonly CodingItem[],
  options: SimulationOptions = {},
): SimulatedProvider {
  const states = new Map<string, ItemState>();
  for (const item of items) {
    states.set(item.id, { item, sites: findFaultSites(item.reference) });
  }
  return simulatedModel(states, new Map(), options);
}

/** The validated probabilities of a simulated model's behaviour. */
type Probabilities = Required<Omit<SimulationOptions, "model">>;

/** Fills in the default probabilities and checks each lies within [0, 1]. */
function simulationProbabilities(options: SimulationOptions): Probabilities {
  const p = {
    correctFirst: options.correctFirst ?? 0.2,
    twoFaults: options.twoFaults ?? 0.4,
    repair: options.repair ?? 0.6,
    breakOnFalseAlarm: options.breakOnFalseAlarm ?? 0.5,
    falseAccept: options.falseAccept ?? 0.3,
    falseReject: options.falseReject ?? 0.2,
  };
  for (const [key, value] of Object.entries(p)) {
    if (!(value >= 0 && value <= 1)) {
      throw new RangeError(`Cannot simulate with ${key} = ${value}: must be within [0, 1]`);
    }
  }
  return p;
}

/** Builds a simulated model over the items' fault sites, sharing `known` programs with its siblings. */
function simulatedModel(
  states: Map<string, ItemState>,
  known: Map<string, Known>,
  options: SimulationOptions,
): SimulatedProvider {
  const p = simulationProbabilities(options);
  const model = options.model ?? "sim";
  const answer = (messages: Message[], o: ChatOptions): string =>
    simulatedAnswer(states, known, p, messages, o);
  return {
    name: "sim",
    model,
    withOptions(other: SimulationOptions): SimulatedProvider {
      return simulatedModel(states, known, other);
    },
    faultsOf(program: string): number | undefined {
      for (const [code, k] of known) if (program.includes(code)) return k.faults.length;
      return undefined;
    },
    chat: simulatedChat(model, answer),
  };
}

/** Writes the item's reference with the given faults injected and remembers which faults it has. */
function programOf(known: Map<string, Known>, state: ItemState, faults: number[]): string {
  const sorted = [...new Set(faults)].sort((a, b) => a - b);
  const code = applyFaults(state.item.reference, state.sites, sorted);
  if (!known.has(code.trim())) known.set(code.trim(), { itemId: state.item.id, faults: sorted });
  return code;
}

/** The program this simulator wrote that appears last in the text (the longest on a tie). */
function findProgram(
  known: Map<string, Known>,
  itemId: string,
  text: string,
): { code: string; known: Known } | undefined {
  let best: { code: string; known: Known; at: number } | undefined;
  for (const [code, k] of known) {
    if (k.itemId !== itemId) continue;
    const at = text.lastIndexOf(code);
    if (at < 0) continue;
    if (!best || at > best.at || (at === best.at && code.length > best.code.length)) {
      best = { code, known: k, at };
    }
  }
  return best;
}

/** Draws up to `n` distinct fault sites of the item, skipping those in `avoid`. */
function pickFaults(state: ItemState, rng: Rng, n: number, avoid: number[] = []): number[] {
  const free = state.sites.map((_, i) => i).filter((i) => !avoid.includes(i));
  const out: number[] = [];
  while (out.length < n && free.length) out.push(free.splice(rng.int(free.length), 1)[0]);
  return out;
}

/** Whether the simulated critic/judge thinks a program with `faults` faults is faulty. */
function believesFaulty(p: Probabilities, faults: number, rng: Rng): boolean {
  return faults > 0 ? rng.next() >= p.falseAccept : rng.next() < p.falseReject;
}

/** Answers one chat call in the role it asks for (student, critic, judge, or teacher). */
function simulatedAnswer(
  states: Map<string, ItemState>,
  known: Map<string, Known>,
  p: Probabilities,
  messages: Message[],
  o: ChatOptions,
): string {
  const role = o.role ?? "student";
  const itemId = o.itemId;
  const state = itemId ? states.get(itemId) : undefined;
  if (!state) {
    throw new ProviderError(
      "sim",
      "bad_request",
      `the simulated provider needs the id of a known coding item (got ${JSON.stringify(itemId)})`,
    );
  }
  const rng = createRng(sha256Hex({ seed: o.seed ?? 0, role, itemId, messages }).slice(0, 8));
  const found = findProgram(known, state.item.id, lastUser(messages));
  if (role === "student") return studentAnswer(known, p, state, rng, found);
  const faults = found ? found.known.faults.length : 1;
  const faulty = believesFaulty(p, faults, rng);
  if (role === "critic") return criticAnswer(faulty);
  if (role === "judge") return judgeAnswer(o, rng, faulty, faults);
  return "Work through the boundary cases one by one and test each branch against the spec.";
}

/**
 * The simulated student: a first answer with 0–2 faults, or a revision of the program it finds in
 * the feedback (removing one fault, or breaking a correct program after a false alarm).
 */
function studentAnswer(
  known: Map<string, Known>,
  p: Probabilities,
  state: ItemState,
  rng: Rng,
  found: { code: string; known: Known } | undefined,
): string {
  if (!found) {
    // A first answer (or a fresh sample for best-of-n).
    const n = rng.next() < p.correctFirst ? 0 : rng.next() < p.twoFaults ? 2 : 1;
    return fence(programOf(known, state, pickFaults(state, rng, n)));
  }
  const faults = found.known.faults;
  if (faults.length > 0) {
    if (rng.next() < p.repair) {
      const fixed = rng.int(faults.length);
      return fence(programOf(known, state, faults.filter((_, i) => i !== fixed)));
    }
    return fence(found.code);
  }
  if (rng.next() < p.breakOnFalseAlarm) {
    return fence(programOf(known, state, pickFaults(state, rng, 1)));
  }
  return fence(found.code);
}

/** The simulated critic's critique list: one correctness critique when it believes the program faulty. */
function criticAnswer(faulty: boolean): string {
  return JSON.stringify({
    critiques: faulty
      ? [{
        principleId: "correctness",
        quote: "",
        issue: "The function returns wrong results on some inputs (an edge case is mishandled).",
        fix: "Re-check boundary conditions, comparison operators and arithmetic.",
        severity: "high",
      }]
      : [],
  });
}

/** The simulated judge: a random pairwise winner, or a verdict with a score that tracks the faults. */
function judgeAnswer(o: ChatOptions, rng: Rng, faulty: boolean, faults: number): string {
  if (o.jsonSchema && JSON.stringify(o.jsonSchema).includes('"winner"')) {
    return JSON.stringify({
      winner: rng.next() < 0.5 ? "A" : "B",
      reason: "simulated preference",
    });
  }
  const score = faulty
    ? Math.max(0, 0.45 - 0.1 * faults + 0.1 * rng.next())
    : 0.85 + 0.15 * rng.next();
  return JSON.stringify({
    verdict: faulty ? "needs_revision" : "compliant",
    reasons: [faulty ? "simulated: looks wrong on an edge case" : "simulated: looks correct"],
    score: Math.round(score * 1000) / 1000,
  });
}
