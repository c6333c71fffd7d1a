/**
 * Options shared by the answer- and open-task row converters.
 *
 * @module
 */

/** Options of `fromGsm8k`, `fromChoice`, `fromAnswerRow` and `fromOpenRow`. */
export interface TaskRowOptions {
  /** The item id when the row has no `id` field (the loader passes `<file stem>-<line index>`). @default undefined (an `id` field is then required) */
  id?: string;
  /** Append the answer-type instruction (`ANSWER_INSTRUCTIONS`) to answer prompts. @default true */
  instruction?: boolean;
  /** The item's `source` (dataset name, licence), overriding the row's own `source`. @default the row's `source` field */
  source?: string;
}
