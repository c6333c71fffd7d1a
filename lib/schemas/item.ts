/**
 * The generic dataset row every loop and benchmark consumes. Coding datasets extend it.
 *
 * @module
 */
import { z } from "zod";

/** One dataset item: an id, a prompt, and free metadata. */
export const ItemSchema = z.object({
  id: z.string().min(1),
  prompt: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
/** One dataset item. */
export type Item = z.infer<typeof ItemSchema>;
