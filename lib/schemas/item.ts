/**
 * The generic dataset row every loop and benchmark consumes. Coding datasets extend it.
 *
 * @module
 */
import { z } from "zod";
import type { Equals } from "./schema.ts";

/** One dataset item: an id, a prompt, and free metadata. */
export const ItemSchema = z.object({
  id: z.string().min(1),
  prompt: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
/** One dataset item. */
export interface Item {
  /** Unique id within the dataset. */
  id: string;
  /** The task given to the student. */
  prompt: string;
  /** Free metadata. */
  metadata?: Record<string, unknown>;
}
const _item: Equals<z.infer<typeof ItemSchema>, Item> = true;
