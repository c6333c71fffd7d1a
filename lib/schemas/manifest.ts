/**
 * The run manifest: everything needed to say exactly what produced a run — library and Deno
 * versions, the provider/model of every role, parameters, seeds, the constitution's content hash,
 * the dataset hash and the git commit of the working directory.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "./schema.ts";
import { zodOf } from "./zod_of.ts";

/** The provider and model behind one role. */
export interface ManifestRole {
  /** Provider kind ("ollama", "openai", "scripted", …). */
  provider: string;
  /** Model name as the backend knows it. */
  model: string;
}

/** Schema of {@linkcode ManifestRole}. */
export const ManifestRoleSchema: Schema<ManifestRole> = z.object({
  provider: z.string().min(1),
  model: z.string().min(1),
});

/** A run manifest (written as `manifest.json` beside a run's results). */
export interface Manifest {
  /** Manifest format version. */
  manifestVersion: 1;
  /** Run id, when the run has one. */
  runId?: string;
  /** When the manifest was built (ISO 8601). */
  createdAt: string;
  /** Version of this library (from its `deno.json`). */
  libraryVersion: string;
  /** `Deno.version.deno`. */
  denoVersion: string;
  /** `Deno.version.typescript`. */
  typescriptVersion: string;
  /** Provider and model per role ("student", "critic", "teacher", "judge", …). */
  roles: Record<string, ManifestRole>;
  /** Every parameter that changes results (rounds, ratchet policy, temperatures, …). */
  parameters: Record<string, unknown>;
  /** The run seed(s). */
  seeds: number[];
  /** Content hash of the constitution (`Constitution.hash`). */
  constitutionHash: string;
  /** Files the constitution was read from, base first. */
  constitutionSources?: string[];
  /** Ids of the principles in force (a subset when the run restricted the constitution). */
  constitutionPrinciples?: string[];
  /** sha256 of the dataset items (canonical JSON), when a dataset was used. */
  datasetHash?: string;
  /** Number of dataset items, when known. */
  datasetItems?: number;
  /** `git rev-parse HEAD` of the working directory; absent when it is not a git repository. */
  gitCommit?: string;
  /** True when tracked files had uncommitted changes; absent when not a git repository. */
  gitDirty?: boolean;
}

/** Schema of {@linkcode Manifest}. */
export const ManifestSchema: Schema<Manifest> = z.object({
  manifestVersion: z.literal(1),
  runId: z.string().optional(),
  createdAt: z.string().min(1),
  libraryVersion: z.string().min(1),
  denoVersion: z.string().min(1),
  typescriptVersion: z.string().min(1),
  roles: z.record(z.string(), zodOf(ManifestRoleSchema)),
  parameters: z.record(z.string(), z.unknown()),
  seeds: z.array(z.number().int()),
  constitutionHash: z.string().regex(/^[0-9a-f]{64}$/),
  constitutionSources: z.array(z.string()).optional(),
  constitutionPrinciples: z.array(z.string()).optional(),
  datasetHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  datasetItems: z.number().int().nonnegative().optional(),
  gitCommit: z.string().regex(/^[0-9a-f]{40,64}$/).optional(),
  gitDirty: z.boolean().optional(),
});
