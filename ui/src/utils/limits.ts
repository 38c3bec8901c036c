import type { TextField } from "../bindings/TextField";

/**
 * Longest text each field accepts, in characters: the backend's limits (crates/domain/src/text.rs,
 * TextField::max_chars), shown next to each field as a counter so nothing typed is refused later.
 */
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
};
