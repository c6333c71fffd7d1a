/**
 * Writes an exported preference dataset to a folder: the rows as JSONL and a dataset card
 * (`README.md`, Hugging Face style) with provenance, gate counts and licence, both atomically.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import { stringify } from "yaml";
import { writeTextAtomic } from "../util/atomic.ts";
import type { ExportSettings, PreferenceExport } from "./export_preference_pairs.ts";
import {
  type ConversationalPreferenceRow,
  ConversationalPreferenceRowSchema,
  GATE_NAMES,
  type GateCounts,
  GateCountsSchema,
  type StandardPreferenceRow,
  StandardPreferenceRowSchema,
} from "./preference_row.ts";

const datasetCard = z.object({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  sources: z.array(z.string()).optional(),
  promptLicense: z.string().min(1).optional(),
  license: z.string().min(1).optional(),
  constitutionHash: z.array(z.string()).or(z.string()).optional(),
  models: z.array(z.string()).optional(),
  generatedAt: z.string().optional(),
  fileName: z.string().regex(/^[^/\\]+\.jsonl$/, "a plain file name ending in .jsonl").optional(),
});

/** Options of {@linkcode writePreferenceDataset}: the dataset card fields. */
export interface DatasetCard {
  /** Dataset name (card title). @default "autoconstitution preference pairs" */
  name?: string;
  /** One paragraph on what the pairs are. @default a generic description of the pairs */
  description?: string;
  /** Where the prompts came from (dataset names, URLs). @default the rows' `metadata.source` values */
  sources?: string[];
  /** Licence of the prompts. @default "unknown" */
  promptLicense?: string;
  /** Licence of the dataset (Hugging Face `license` id). @default "other" */
  license?: string;
  /** SHA-256 of the constitution(s). @default the rows' `metadata.constitution_hash` values */
  constitutionHash?: string | string[];
  /** Models that generated the answers. @default the rows' `metadata.models` values */
  models?: string[];
  /** ISO timestamp of generation. @default now */
  generatedAt?: string;
  /** File name of the JSONL, inside `dir`. @default "train.jsonl" */
  fileName?: string;
}

/** Schema of {@linkcode DatasetCard}. */
export const DatasetCardSchema: Schema<DatasetCard> = datasetCard;
const _datasetCard: Equals<z.infer<typeof datasetCard>, DatasetCard> = true;

/** Where {@linkcode writePreferenceDataset} wrote. */
export interface WrittenDataset {
  /** Path of the JSONL file. */
  dataPath: string;
  /** Path of the dataset card. */
  cardPath: string;
  /** Rows written. */
  rows: number;
}

const distinct = (values: (string | null)[]): string[] =>
  [...new Set(values.filter((v): v is string => typeof v === "string" && v !== ""))].sort();

const list = (values: string[], empty: string): string =>
  values.length ? values.map((v) => `- ${v}`).join("\n") : `- ${empty}`;

/**
 * Writes the rows of an export as JSONL (one row per line) and a dataset card `README.md` beside it
 * (sources, constitution hash, models, gate counts, prompt licence, generation date, format and a
 * loading snippet). Rows are validated against their schema first, so the file always round-trips.
 * Both files are written atomically.
 *
 * @param dir Output folder (created when missing).
 * @param result What `exportPreferencePairs` returned.
 * @param card Dataset card fields.
 * @returns The paths written and the row count.
 * @throws {TypeError} naming a bad row, gate count or card field.
 *
 * @example Write an empty export
 * ```ts
 * import { writePreferenceDataset } from "./write_preference_dataset.ts";
 * const dir = await Deno.makeTempDir();
 * const gates = { parse_error: 0, empty_critique: 0, near_duplicate: 0, not_better: 0, duplicate: 0, kept: 0, total: 0 };
 * const out = await writePreferenceDataset(dir, { format: "standard", rows: [], gates, dropped: [], warnings: [] }, { promptLicense: "MIT" });
 * if (!(await Deno.readTextFile(out.cardPath)).includes("MIT")) throw new Error();
 * ```
 */
export async function writePreferenceDataset(
  dir: string,
  result: PreferenceExport,
  card: DatasetCard = {},
): Promise<WrittenDataset> {
  const { format, rows, gates } = validateExport(dir, result, card);
  const fileName = card.fileName ?? "train.jsonl";
  const dataPath = join(dir, fileName);
  const cardPath = join(dir, "README.md");
  const text = cardText(rows, format, gates, result.settings, card, fileName);
  const jsonl = rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
  await writeTextAtomic(dataPath, jsonl);
  await writeTextAtomic(cardPath, text);
  return { dataPath, cardPath, rows: rows.length };
}

/** A preference row of either format. */
type PreferenceRow = StandardPreferenceRow | ConversationalPreferenceRow;

/**
 * Checks the arguments of {@linkcode writePreferenceDataset} in order (dir, card, result, gates,
 * format, rows) and returns the format, the schema-parsed rows and the gate counts, or throws a
 * TypeError naming the first bad one.
 */
function validateExport(
  dir: string,
  result: PreferenceExport,
  card: DatasetCard,
): { format: "standard" | "conversational"; rows: PreferenceRow[]; gates: GateCounts } {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError(
      `writePreferenceDataset: dir must be a non-empty path, got ${JSON.stringify(dir)}`,
    );
  }
  const c = DatasetCardSchema.safeParse(card);
  if (!c.success) {
    const issue = c.error.issues[0];
    throw new TypeError(`writePreferenceDataset: card.${issue.path.join(".")}: ${issue.message}`);
  }
  if (!result || !Array.isArray(result.rows)) {
    throw new TypeError(
      "writePreferenceDataset: result must be what exportPreferencePairs returned",
    );
  }
  const g = GateCountsSchema.safeParse(result.gates);
  if (!g.success) {
    throw new TypeError(
      `writePreferenceDataset: result.gates.${g.error.issues[0].path.join(".")}: ${
        g.error.issues[0].message
      }`,
    );
  }
  const format = result.format;
  if (format !== "standard" && format !== "conversational") {
    throw new TypeError(
      `writePreferenceDataset: result.format must be "standard" or "conversational", got ${
        JSON.stringify(format)
      }`,
    );
  }
  const schema = format === "standard"
    ? StandardPreferenceRowSchema
    : ConversationalPreferenceRowSchema;
  const rows = result.rows.map((row, i) => {
    const p = schema.safeParse(row);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new TypeError(
        `writePreferenceDataset: result.rows[${i}].${issue.path.join(".")}: ${issue.message}`,
      );
    }
    return p.data as PreferenceRow;
  });
  return { format, rows, gates: g.data };
}

/**
 * The dataset card `README.md`: Hugging Face front matter, description, format, provenance (card
 * fields, else the distinct values found in the rows' metadata), quality gates and a loading snippet.
 */
function cardText(
  rows: PreferenceRow[],
  format: "standard" | "conversational",
  gates: GateCounts,
  settings: ExportSettings | undefined,
  card: DatasetCard,
  fileName: string,
): string {
  const meta = rows.map((r) => r.metadata);
  const sources = card.sources ?? distinct(meta.map((m) => m.source));
  const hashes = card.constitutionHash === undefined
    ? distinct(meta.map((m) => m.constitution_hash))
    : ([] as string[]).concat(card.constitutionHash);
  const models = card.models ?? distinct(meta.flatMap((m) => m.models));
  const critics = distinct(meta.map((m) => m.critic));
  const generatedAt = card.generatedAt ?? new Date().toISOString();
  const name = card.name ?? "autoconstitution preference pairs";
  const frontMatter = stringify({
    license: card.license ?? "other",
    pretty_name: name,
    task_categories: ["text-generation"],
    tags: ["dpo", "preference", "constitutional-ai", "autoconstitution"],
    size_categories: [
      rows.length < 1000 ? "n<1K" : rows.length < 10000 ? "1K<n<10K" : "10K<n<100K",
    ],
    configs: [{ config_name: "default", data_files: [{ split: "train", path: fileName }] }],
  }).trimEnd();
  const shape = format === "standard"
    ? "`prompt`, `chosen` and `rejected` are strings (TRL *standard* preference format)."
    : "`prompt` is a list of messages ending with the user turn; `chosen` and `rejected` are one " +
      "assistant message each (TRL *conversational* preference format).";
  return `---
${frontMatter}
---

# ${name}

${
    card.description ??
      "Preference pairs from constitutional critique–revision loops: `chosen` is the answer the loop " +
        "kept after critique and revision, `rejected` is the initial answer to the same prompt."
  }

## Format

\`${fileName}\`: one JSON object per line. ${shape} Each row also has a \`metadata\` object:
trace and item ids, critic, rounds, in-loop and held-out scores, the normalised edit distance
between chosen and rejected, the models, the constitution hash, the prompt source and the pair hash.

## Provenance

- Generated: ${generatedAt}
- Generator: autoconstitution
- Rows: ${rows.length}

Constitution hash (SHA-256):
${list(hashes, "not recorded")}

Models:
${list(models, "not recorded")}

Critics:
${list(critics, "not recorded")}

Prompt sources:
${list(sources, "not recorded")}

Prompt licence: ${card.promptLicense ?? "unknown"}

${qualityGatesSection(gates, settings)}

## Loading

\`\`\`python
from datasets import load_dataset
ds = load_dataset("json", data_files="${fileName}", split="train")
\`\`\`
`;
}

/** The card's "Quality gates" section: what each gate drops (with the export's settings) and the counts. */
function qualityGatesSection(gates: GateCounts, settings: ExportSettings | undefined): string {
  const gateRows = GATE_NAMES.map((k) => `| ${k} | ${gates[k]} |`).join("\n");
  return `## Quality gates

Each trace is counted once, at the first gate it fails (in this order):

1. \`parse_error\`: structured-output parse failures, or the loop ended with an error;
2. \`empty_critique\`: no critique was ever produced, so nothing drove the change;
3. \`near_duplicate\`: normalised Levenshtein distance between chosen and rejected below ${
    settings ? `${settings.minEditDistance} (${settings.editDistanceUnit}s)` : "the threshold"
  };
4. \`not_better\`: held-out scores exist for the pair and chosen does not score strictly above
   rejected${
    settings
      ? ` (${settings.heldOutEntries} held-out entries given${
        settings.requireHeldOutScores ? "; pairs without one were dropped too" : ""
      })`
      : ""
  };
5. \`duplicate\`: the same prompt, chosen and rejected was already kept.

| gate | dropped |
| --- | --- |
${gateRows}
| **kept** | **${gates.kept}** |
| total traces | ${gates.total} |`;
}
