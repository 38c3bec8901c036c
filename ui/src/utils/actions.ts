import type { HandlingMethod } from "../bindings/HandlingMethod";
import type { InterceptionOutcome } from "../bindings/InterceptionOutcome";
import type { ReturnReason } from "../bindings/ReturnReason";

/** What the 处置 form offers: interception (布控拦截) and notices (抄告) are actions of their own. */
export const HANDLE_METHODS: HandlingMethod[] = ["phone_warning", "fine", "education"];

/** How an interception ended; the whitelist rule counts "nothing_found". */
export const INTERCEPTION_OUTCOMES: InterceptionOutcome[] = ["violation_found", "nothing_found", "vehicle_not_found"];

/** Why an officer returns an order; "other" must say why in words. */
export const RETURN_REASONS: ReturnReason[] = ["not_our_county", "duplicate", "wrong_vehicle", "wrong_violation", "other"];

/** Whether a return needs its text: only "other" does (the others are a note, optional). */
export function returnNeedsText(code: ReturnReason | "" | null): boolean {
  return code === "other";
}

/** Actions recorded with one text field (TextActionForm). */
export type TextAction = "record_feedback" | "close_groundless" | "override_whitelist" | "spot_check_pass" | "spot_check_fail";
