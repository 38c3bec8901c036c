// Generated from crates/domain by `cargo test -p casedesk-app`; do not edit.
import type { HandlingMethod } from "./HandlingMethod";
import type { InterceptionOutcome } from "./InterceptionOutcome";
import type { ReturnReason } from "./ReturnReason";
import type { Status } from "./Status";
import type { TextField } from "./TextField";

/** Longest text each field accepts, in characters (TextField::max_chars). */
export const TEXT_LIMITS: Record<TextField, number> = {
  result: 500,
  notes: 2000,
  requirement: 1000,
  description: 2000,
  reason: 500,
  to_unit: 100,
  authority: 100,
  content: 2000,
  feedback: 2000,
  finding: 1000,
  user_name: 40,
  owner: 100,
  event_name: 100,
  place: 200,
  filter_name: 40,
};

/** States in which an order no longer changes and runs no clock (Status::is_finished). */
export const FINISHED_STATUSES: readonly Status[] = ["closed", "transferred"];

/** Why an officer returns an order, in the order offered (ReturnReason::ALL). */
export const RETURN_REASONS: readonly ReturnReason[] = ["not_our_county", "duplicate", "wrong_vehicle", "wrong_violation", "other"];

/** Return reasons that must be put in words (ReturnReason::needs_text). */
export const RETURN_REASONS_NEEDING_TEXT: readonly ReturnReason[] = ["other"];

/** The methods 处置 records (HandlingMethod::recorded_by_handle). */
export const HANDLE_METHODS: readonly HandlingMethod[] = ["phone_warning", "fine", "education"];

/** How an interception ended (InterceptionOutcome::ALL). */
export const INTERCEPTION_OUTCOMES: readonly InterceptionOutcome[] = ["violation_found", "nothing_found", "vehicle_not_found"];

/** The files the evidence store accepts (ACCEPTED_KINDS): the picker offers these only. */
export const EVIDENCE_KINDS: readonly { mime: string; extensions: readonly string[]; photo: boolean }[] = [
  { mime: "image/jpeg", extensions: ["jpg", "jpeg"], photo: true },
  { mime: "image/png", extensions: ["png"], photo: true },
  { mime: "image/webp", extensions: ["webp"], photo: true },
  { mime: "application/pdf", extensions: ["pdf"], photo: false },
];

/** The largest evidence file accepted, in bytes (DEFAULT_MAX_BYTES). */
export const EVIDENCE_MAX_BYTES = 52428800;
