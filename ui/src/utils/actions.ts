import type { ReturnReason } from "../bindings/ReturnReason";
import { RETURN_REASONS_NEEDING_TEXT } from "../bindings/rules";

/**
 * What the 处置 form offers (interception and notices are actions of their own), how an
 * interception ends, and why an officer returns an order: generated from the domain.
 */
export { HANDLE_METHODS, INTERCEPTION_OUTCOMES, RETURN_REASONS } from "../bindings/rules";

/** Whether a return needs its text ("other" does; the others take an optional note). */
export function returnNeedsText(code: ReturnReason | "" | null): boolean {
  return code !== "" && code !== null && RETURN_REASONS_NEEDING_TEXT.includes(code);
}

/** Actions recorded with one text field (TextActionForm). */
export type TextAction = "record_feedback" | "close_groundless" | "override_whitelist" | "spot_check_pass" | "spot_check_fail";
