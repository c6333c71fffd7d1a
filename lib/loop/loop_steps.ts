/**
 * The steps of a critique–revision loop, each one role call between `role_start` / `role_end`
 * events: the Student answers, the Critic critiques, the Teacher advises, the Student revises, the
 * gate evaluates (a scorer, or the Judge's verdict), and the stop rule is asked. The loop
 * (`critique_revision_loop.ts`) composes them.
 *
 * @module
 */
import { type Candidate, type Score, ScoreSchema } from "../schemas/trace.ts";
import { studentAnswer, studentRevise } from "../roles/student.ts";
import { teacherAdvise } from "../roles/teacher.ts";
import { judgeVerdict } from "../roles/judge.ts";
import { UNPARSEABLE_JUDGE_SCORE, verdictToScore } from "./judge_scorer.ts";
import type { Feedback } from "./types.ts";
import type { Provider } from "../providers/types.ts";
import type { RoleOptions } from "../roles/role_options.ts";
import type { LoopSession } from "./loop_session.ts";

/**
 * The Student's first answer (round 0).
 *
 * @param s The loop session.
 * @returns The answer text.
 *
 * @example
 * ```ts
 * import { answer } from "./loop_steps.ts";
 * import { openLoopSession } from "./loop_session.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const s = openLoopSession({ id: "q", prompt: "2+2?" }, {
 *   provider: createScriptedProvider({ byRole: { student: "4" } }),
 *   constitution: parseConstitution("## A\n\nB.\n"),
 * });
 * if ((await answer(s)) !== "4" || s.calls.length !== 1) throw new Error();
 * ```
 */
export function answer(s: LoopSession): Promise<string> {
  return studentStep(
    s,
    0,
    (model, options) =>
      studentAnswer(model, { prompt: s.item.prompt, memory: s.config.memory }, options),
  );
}

/** One Student call in a round, between role events; returns its text. */
async function studentStep(
  s: LoopSession,
  round: number,
  write: (model: Provider, options: RoleOptions) => Promise<{ text: string }>,
): Promise<string> {
  const out = await s.step(
    "student",
    round,
    () => write(s.models.student, s.roleOptions("student", round)),
    (r) => r.text,
  );
  return out.text;
}

/**
 * The Critic's feedback on the current answer in a round (parse failures are counted).
 *
 * @param s The loop session.
 * @param round The round.
 * @param current The answer under review.
 * @returns The feedback.
 *
 * @example
 * ```ts
 * import { critique } from "./loop_steps.ts";
 * import { openLoopSession } from "./loop_session.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const provider = createScriptedProvider({ byRole: { critic: '{"critiques": []}' } });
 * const constitution = parseConstitution("## A\n\nB.\n");
 * const s = openLoopSession({ id: "q", prompt: "2+2?" }, { provider, constitution });
 * const f = await critique(s, 1, { round: 0, text: "5", critiques: [] });
 * if (f.critiques.length !== 0) throw new Error();
 * ```
 */
export async function critique(
  s: LoopSession,
  round: number,
  current: Candidate,
): Promise<Feedback> {
  const feedback = await s.step(
    "critic",
    round,
    () => s.critic.critique(s.item, current.text, s.context(round)),
    (f) => f.text,
  );
  s.parseFailures += feedback.parseFailures ?? 0;
  return feedback;
}

/**
 * The Teacher's advice on a critiqued answer.
 *
 * @param s The loop session.
 * @param round The round.
 * @param current The answer under review.
 * @param feedback The critic's feedback text.
 * @returns The advice text.
 *
 * @example
 * ```ts
 * import { advise } from "./loop_steps.ts";
 * import { openLoopSession } from "./loop_session.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const s = openLoopSession({ id: "q", prompt: "2+2?" }, {
 *   provider: createScriptedProvider({ byRole: { teacher: "Add again." } }),
 *   constitution: parseConstitution("## A\n\nB.\n"),
 * });
 * if ((await advise(s, 1, "5", "wrong")) !== "Add again.") throw new Error();
 * ```
 */
export async function advise(
  s: LoopSession,
  round: number,
  current: string,
  feedback: string,
): Promise<string> {
  const advised = await s.step(
    "teacher",
    round,
    () =>
      teacherAdvise(
        s.models.teacher,
        { prompt: s.item.prompt, answer: current, feedback },
        s.roleOptions("teacher", round),
      ),
    (r) => r.text,
  );
  return advised.text;
}

/**
 * The Student's revision of the current answer, given feedback (and advice).
 *
 * @param s The loop session.
 * @param round The round.
 * @param current The answer being revised.
 * @param feedback The critic's feedback text.
 * @param advice The teacher's advice, if any.
 * @returns The revised answer text (a `revision` event is sent).
 *
 * @example
 * ```ts
 * import { revise } from "./loop_steps.ts";
 * import { openLoopSession } from "./loop_session.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const kinds: string[] = [];
 * const s = openLoopSession({ id: "q", prompt: "2+2?" }, {
 *   provider: createScriptedProvider({ byRole: { student: "4" } }),
 *   constitution: parseConstitution("## A\n\nB.\n"),
 *   onEvent: (e) => kinds.push(e.type),
 * });
 * if ((await revise(s, 1, "5", "wrong")) !== "4" || kinds.at(-1) !== "revision") throw new Error();
 * ```
 */
export async function revise(
  s: LoopSession,
  round: number,
  current: string,
  feedback: string,
  advice?: string,
): Promise<string> {
  const { item, config } = s;
  const text = await studentStep(s, round, (model, options) =>
    studentRevise(
      model,
      { prompt: item.prompt, answer: current, feedback, advice, memory: config.memory },
      options,
    ));
  s.send({ type: "revision", itemId: item.id, round, text });
  return text;
}

/**
 * The gate's score of a candidate: the configured scorer, or else the Judge's verdict (an
 * unparseable verdict scores as `UNPARSEABLE_JUDGE_SCORE`). Records it on the candidate.
 *
 * @param s The loop session.
 * @param candidate The candidate (its `score`, and `verdict` for the judge, are set).
 * @returns The score.
 * @throws {Error} when the scorer returns an invalid score.
 *
 * @example
 * ```ts
 * import { evaluate } from "./loop_steps.ts";
 * import type { Candidate } from "../schemas/trace.ts";
 * import { openLoopSession } from "./loop_session.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const scorer = { name: "len", score: () => Promise.resolve({ score: 1, passed: true, source: "len" }) };
 * const s = openLoopSession({ id: "q", prompt: "?" }, {
 *   provider: createScriptedProvider(), constitution: parseConstitution("## A\n\nB.\n"), scorer,
 * });
 * const c: Candidate = { round: 0, text: "x", critiques: [] };
 * if ((await evaluate(s, c)).score !== 1 || c.score === undefined) throw new Error();
 * ```
 */
export async function evaluate(s: LoopSession, candidate: Candidate): Promise<Score> {
  const { item, config } = s;
  const round = candidate.round;
  let score: Score;
  if (config.scorer) {
    const scorer = config.scorer;
    score = await s.step(
      "scorer",
      round,
      () => scorer.score(item, candidate.text, s.context(round)),
      (x) => `${x?.score}${x?.detail ? ` (${x.detail})` : ""}`,
    );
    const valid = ScoreSchema.safeParse(score);
    if (!valid.success) {
      throw new Error(
        `scorer "${scorer.name}" returned an invalid score ${JSON.stringify(score)}: ${
          valid.error.issues[0].message
        }`,
      );
    }
  } else {
    const result = await s.step(
      "judge",
      round,
      () =>
        judgeVerdict(
          s.models.judge,
          {
            prompt: item.prompt,
            answer: candidate.text,
            constitution: config.constitution,
            selection: config.selection,
          },
          s.roleOptions("judge", round),
        ),
      (r) => r.raw,
    );
    if (result.ok) {
      candidate.verdict = result.value;
      s.send({ type: "verdict", itemId: item.id, round, verdict: result.value });
      score = verdictToScore(result.value);
    } else {
      score = { ...UNPARSEABLE_JUDGE_SCORE };
    }
  }
  candidate.score = score;
  s.send({ type: "score", itemId: item.id, round, score });
  return score;
}

/**
 * Asks the stop rule about a candidate (false when the loop has none).
 *
 * @param s The loop session.
 * @param candidate The candidate.
 * @returns True when the stop rule says stop.
 *
 * @example
 * ```ts
 * import { stopRuleSays } from "./loop_steps.ts";
 * import { openLoopSession } from "./loop_session.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const stopRule = { name: "x", score: () => Promise.resolve({ score: 1, passed: true, source: "x" }) };
 * const s = openLoopSession({ id: "q", prompt: "?" }, {
 *   provider: createScriptedProvider(), constitution: parseConstitution("## A\n\nB.\n"), stopRule,
 * });
 * if (!(await stopRuleSays(s, { round: 0, text: "x", critiques: [] }))) throw new Error();
 * ```
 */
export async function stopRuleSays(s: LoopSession, candidate: Candidate): Promise<boolean> {
  const rule = s.config.stopRule;
  if (!rule) return false;
  const round = candidate.round;
  const result = await s.step(
    "stop_rule",
    round,
    () => rule.score(s.item, candidate.text, s.context(round)),
    (r) => `${rule.name}: ${r.passed ? "stop" : "continue"}`,
  );
  return result.passed === true;
}
