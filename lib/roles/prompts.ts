/**
 * Every prompt the role society sends, as named constants a researcher can read and cite. Templates
 * use `{{name}}` placeholders filled by {@linkcode fillTemplate}; optional sections (memory, teacher
 * advice) have their own templates and are left out entirely when empty.
 *
 * @module
 */
import type { Message } from "../schemas/chat.ts";

/** System prompt of the Student (answers and revisions). */
export const STUDENT_SYSTEM_PROMPT: string =
  `You are a careful expert. Answer the task correctly and completely, exactly as specified.
Be honest about uncertainty. When the task asks for code, give one complete program in a single code block.`;

/** The Student's first answer. Placeholders: `memory` (a filled memory section or ""), `prompt`. */
export const STUDENT_ANSWER_TEMPLATE: string = `{{memory}}Task:
{{prompt}}`;

/**
 * The Student's revision. Placeholders: `memory`, `prompt`, `answer` (the answer being revised),
 * `feedback`, `advice` (a filled advice section or "").
 */
export const STUDENT_REVISE_TEMPLATE: string = `{{memory}}Task:
{{prompt}}

Your previous answer:
<answer>
{{answer}}
</answer>

Feedback on that answer:
{{feedback}}
{{advice}}
Revise the answer to address the feedback. Fix what the feedback identifies and keep everything that
was already right; do not add unrequested changes. Reply with the complete revised answer only, without
commentary about what you changed.`;

/** The memory section placed before a Student prompt. Placeholder: `memory`. */
export const MEMORY_SECTION_TEMPLATE: string =
  `Lessons from earlier work (apply them when they are relevant):
{{memory}}

`;

/** The teacher-advice section of a revision prompt. Placeholder: `advice`. */
export const ADVICE_SECTION_TEMPLATE: string = `
A teacher's advice on how to approach the revision:
{{advice}}
`;

/** System prompt of the Critic. */
export const CRITIC_SYSTEM_PROMPT: string =
  `You are a strict, fair reviewer. You check an answer against a constitution of principles and
report only real, specific violations, each citing the principle it breaks. You never rewrite the answer.`;

/** The Critic's request. Placeholders: `constitution` (rendered principles), `prompt`, `answer`. */
export const CRITIC_TEMPLATE: string = `Constitution (cite principles by the id in brackets):
{{constitution}}

Task:
{{prompt}}

Answer to review:
<answer>
{{answer}}
</answer>

List every violation of the constitution in the answer. For each give:
- "principleId": the id of the violated principle, exactly as written in brackets above;
- "quote": the exact span of the answer that is wrong, copied verbatim (use "" only when the problem
  is something missing);
- "issue": what is wrong;
- "fix": a concrete fix;
- "severity": "low", "medium" or "high".
If the answer complies with every principle, return an empty list.
Reply with JSON only: {"critiques": [...]}`;

/** System prompt of the Teacher. */
export const TEACHER_SYSTEM_PROMPT: string =
  `You are a teacher. You give direction and strategy for improving an answer; you never write the
improved answer yourself.`;

/** The Teacher's request. Placeholders: `prompt`, `answer`, `feedback`. */
export const TEACHER_TEMPLATE: string = `Task:
{{prompt}}

Student's answer:
<answer>
{{answer}}
</answer>

Reviewer's feedback:
{{feedback}}

In two to four sentences, tell the student how to approach the revision: which problems matter most,
what to check, and in what order. Do not write the answer or any code for them.`;

/** System prompt of the Judge. */
export const JUDGE_SYSTEM_PROMPT: string =
  `You are an impartial judge. You decide whether an answer complies with a constitution and how good
it is. Judge the answer on its merits, not on its length or style.`;

/**
 * What a Judge or Meta-Judge is shown first: the constitution, the task and the answer under review.
 * Placeholders: `constitution`, `prompt`, `answer`.
 */
export const ANSWER_UNDER_REVIEW_SECTION: string = `Constitution:
{{constitution}}

Task:
{{prompt}}

Answer:
<answer>
{{answer}}
</answer>`;

/** The Judge's single-answer verdict request. Placeholders: `constitution`, `prompt`, `answer`. */
export const JUDGE_TEMPLATE: string = `${ANSWER_UNDER_REVIEW_SECTION}

Decide whether the answer complies with every principle. Reply with JSON only:
{"verdict": "compliant" or "needs_revision", "reasons": [short reasons, citing principle ids],
 "score": a number from 0 (useless or wrong) to 1 (correct and fully compliant)}`;

/** The Judge's pairwise comparison request. Placeholders: `constitution`, `prompt`, `a`, `b`. */
export const PAIRWISE_TEMPLATE: string = `Constitution:
{{constitution}}

Task:
{{prompt}}

Answer A:
<answer_a>
{{a}}
</answer_a>

Answer B:
<answer_b>
{{b}}
</answer_b>

Which answer better satisfies the task and the constitution? Ignore the order in which they are shown
and their length. Reply with JSON only: {"winner": "A", "B" or "tie", "reason": "..."}`;

/** System prompt of the Meta-Judge. */
export const META_JUDGE_SYSTEM_PROMPT: string =
  `You audit reviewers. You check whether each critique of an answer is supported by the answer itself,
and you propose careful amendments to the constitution when its principles were unclear, missing or
misapplied. A human reviews every amendment.`;

/**
 * The Meta-Judge's request. Placeholders: `constitution`, `prompt`, `answer`, `critiques`
 * (numbered), `verdict`.
 */
export const META_JUDGE_TEMPLATE: string = `${ANSWER_UNDER_REVIEW_SECTION}

Critiques made about the answer (numbered from 0):
{{critiques}}

Judge's verdict:
{{verdict}}

1. List the critiques that are unsupported: their quote does not occur in the answer, the problem does
   not exist, or the cited principle does not apply. Give each by its number with a reason.
2. Propose amendments to the constitution only if a principle was missing, ambiguous or led to a wrong
   critique. Each amendment: "action" ("add", "edit" or "remove"), "principleId" (an existing id for
   edit/remove, a new lowercase-hyphenated id for add), "title" and "text" (for add/edit), "rationale".
Reply with JSON only: {"unsupported": [{"index": 0, "reason": "..."}], "amendments": [...]}`;

/** System prompt of the Synthesizer. */
export const SYNTHESIZER_SYSTEM_PROMPT: string =
  `You distil experience into short, general, reusable lessons for a student who will solve similar
tasks later. Lessons are advice, never answers to specific tasks.`;

/** The Synthesizer's request. Placeholders: `memory` (current lessons or "(none)"), `observations`, `maxLessons`. */
export const SYNTHESIZER_TEMPLATE: string = `Current lessons:
{{memory}}

New observations from critique–revision rounds:
{{observations}}

Update the lessons: keep the useful ones, merge duplicates, add what the observations teach, and drop
what they contradict. At most {{maxLessons}} lessons, most important first, one sentence each.
Reply with JSON only: {"lessons": ["...", "..."]}`;

/**
 * Fills `{{name}}` placeholders. Every placeholder must have a value; extra values are ignored.
 * Values are inserted verbatim (a value containing `{{x}}` is not expanded again).
 *
 * @param template Text with `{{name}}` placeholders.
 * @param values Replacement text per name.
 * @returns The filled text.
 * @throws {RangeError} naming the first placeholder without a value.
 *
 * @example Fill a template
 * ```ts
 * import { fillTemplate } from "./prompts.ts";
 * if (fillTemplate("Hi {{name}}!", { name: "Ada" }) !== "Hi Ada!") throw new Error();
 * ```
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([a-zA-Z0-9_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (typeof value !== "string") {
      throw new RangeError(`fillTemplate: no value for placeholder "{{${name}}}"`);
    }
    return value;
  });
}

/**
 * A role's two messages: its system prompt, and the user message filled from its template.
 *
 * @param system The system prompt.
 * @param template The user template.
 * @param values The template's placeholder values.
 * @returns `[system, user]`.
 * @throws {RangeError} for a placeholder without a value.
 *
 * @example
 * ```ts
 * import { promptMessages } from "./prompts.ts";
 * const [system, user] = promptMessages("Be brief.", "Task: {{prompt}}", { prompt: "2+2?" });
 * if (system.role !== "system" || user.content !== "Task: 2+2?") throw new Error();
 * ```
 */
export function promptMessages(
  system: string,
  template: string,
  values: Record<string, string>,
): Message[] {
  return [
    { role: "system", content: system },
    { role: "user", content: fillTemplate(template, values) },
  ];
}
