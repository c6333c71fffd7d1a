/**
 * The records a parsed constitution is made of — {@linkcode Principle} and {@linkcode Constitution} —
 * and the {@linkcode ConstitutionError} every parse, merge and load problem throws.
 *
 * @module
 */
import { z } from "zod";
import { type Severity, SeveritySchema } from "../schemas/trace.ts";
import { InputError } from "../util/jsonl.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** Pattern every principle id must match: lowercase letters, digits, `-`, `_` and `.`, starting alphanumeric. */
export const PRINCIPLE_ID_PATTERN: RegExp = /^[a-z0-9][a-z0-9._-]*$/;

/** One principle of a constitution. */
export interface Principle {
  /** Stable id: the explicit `{#id}` or the slug of the title; never derived from position. */
  id: string;
  /** Human title (the heading text or the bold label of a list item). */
  title: string;
  /** The rule itself, Markdown, trimmed. */
  text: string;
  /** How serious a violation is, when stated. */
  severity?: Severity;
  /** Free labels used to render subsets (e.g. `code`, `prose`). */
  tags: string[];
  /** Set by the `replaces` attribute: in an overlay, this principle replaces the base one with the same id. */
  replaces?: boolean;
  /** Where the principle was written. Not part of the content hash. */
  source: { file: string; line: number };
}

/** Schema of {@linkcode Principle}. */
export const PrincipleSchema: Schema<Principle> = z.object({
  id: z.string().regex(PRINCIPLE_ID_PATTERN),
  title: z.string().min(1),
  text: z.string().min(1),
  severity: SeveritySchema.optional(),
  tags: z.array(z.string()),
  replaces: z.boolean().optional(),
  source: z.object({ file: z.string(), line: z.number().int().positive() }),
});

/** A parsed (and possibly merged) constitution. */
export interface Constitution {
  /** The first `#` heading of the base file, when there is one. */
  title?: string;
  /** Principles in document order (overlay additions after the base). */
  principles: Principle[];
  /** Files it was read from, base first. */
  sources: string[];
  /** sha256 hex of the normalised principles (see `constitutionHash`). */
  hash: string;
}

/** Schema of {@linkcode Constitution}. */
export const ConstitutionSchema: Schema<Constitution> = z.object({
  title: z.string().optional(),
  principles: z.array(zodOf(PrincipleSchema)).min(1),
  sources: z.array(z.string()),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * A problem in a constitution file (duplicate id, empty principle, bad attribute, no principles,
 * conflicting overlay, missing file). It is an {@linkcode InputError}, so it names the file and line.
 *
 * @example The message names file and line
 * ```ts
 * import { ConstitutionError } from "./constitution.ts";
 * const e = new ConstitutionError("c.md", "duplicate principle id \"x\"", { line: 7 });
 * if (!e.message.startsWith("c.md:7:") || e.line !== 7) throw new Error(e.message);
 * ```
 */
export class ConstitutionError extends InputError {
  /**
   * Creates the error.
   *
   * @param file File the problem is in.
   * @param message What is wrong.
   * @param options 1-based line number.
   */
  constructor(file: string, message: string, options: { line?: number } = {}) {
    super(file, message, options);
    this.name = "ConstitutionError";
  }
}
