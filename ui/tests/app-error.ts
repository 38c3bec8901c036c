// An AppError as the backend rejects with it: a code and a message key with typed parameters.
import type { AppError } from "../src/bindings/AppError";
import type { ErrorCode } from "../src/bindings/ErrorCode";
import type { MessageKey } from "../src/bindings/MessageKey";
import type { Param } from "../src/bindings/Param";

/** `text("…")` for data parameters, or a typed `{ kind, value }`. */
export function appError(code: ErrorCode, key: MessageKey, params: Record<string, Param | string> = {}): AppError {
  const typed: Record<string, Param> = {};
  for (const [k, v] of Object.entries(params)) typed[k] = typeof v === "string" ? { kind: "text", value: v } : v;
  return { code, message: { key, params: typed } };
}
