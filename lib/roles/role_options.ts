/**
 * Options and results shared by every role function.
 *
 * @module
 */
import type { ChatResponse } from "../schemas/chat.ts";
import type { GenerateStructuredOptions } from "./structured.ts";
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";

/**
 * Per-call options of a role: the chat options (seed, temperature, maxTokens, signal, onToken,
 * itemId, timeoutMs) and `onParseFailure`. The role sets `role` and `jsonSchema` itself.
 */
export type RoleOptions = Omit<GenerateStructuredOptions, "jsonSchema" | "role">;

/** The result of a free-text role (Student, Teacher). */
export interface TextResult {
  /** The model's text. */
  text: string;
  /** The provider's response (usage, model). */
  response: ChatResponse;
}

/** Where a checked string comes from, for {@linkcode requireText}. */
export interface RequireTextOptions {
  /** Name of the calling function, used in the message. */
  where: string;
  /** Name of the checked field, used in the message. */
  field: string;
  /** Accept the empty string. @default false */
  allowEmpty?: boolean;
}

/**
 * Rejects a non-string (or, unless allowed, an empty) value early with a message naming the field.
 *
 * @param value The value to check.
 * @param options Caller and field names; whether "" is allowed.
 * @returns The value, typed as a string.
 * @throws {TypeError} naming the field and the bad value.
 *
 * @example Reject an empty prompt
 * ```ts
 * import { requireText } from "./role_options.ts";
 * let threw = false;
 * try { requireText("", { where: "studentAnswer", field: "prompt" }); } catch { threw = true; }
 * if (!threw || requireText("", { where: "x", field: "y", allowEmpty: true }) !== "") throw new Error();
 * ```
 */
export function requireText(value: unknown, options: RequireTextOptions): string {
  if (typeof value !== "string" || (!options.allowEmpty && value.trim() === "")) {
    throw new TypeError(
      `${options.where}: ${options.field} must be a ${
        options.allowEmpty ? "" : "non-empty "
      }string, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Checks the two arguments every LLM critic and judge takes: a provider with `chat()` and a
 * constitution.
 *
 * @param where The function being called (starts the message).
 * @param provider The model.
 * @param constitution The constitution.
 * @throws {TypeError} naming `where` and the bad argument.
 *
 * @example
 * ```ts
 * import { requireModelAndConstitution } from "./role_options.ts";
 * let message = "";
 * try { requireModelAndConstitution("myCritic", {} as never, {} as never); } catch (e) { message = String(e); }
 * if (!message.includes("myCritic: provider must implement chat()")) throw new Error(message);
 * ```
 */
export function requireModelAndConstitution(
  where: string,
  provider: Provider,
  constitution: Constitution,
): void {
  if (!provider || typeof provider.chat !== "function") {
    throw new TypeError(`${where}: provider must implement chat(), got ${provider}`);
  }
  if (!constitution || !Array.isArray(constitution.principles)) {
    throw new TypeError(`${where}: constitution must be a Constitution`);
  }
}
