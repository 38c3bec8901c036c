/**
 * Longest text each field accepts, in characters: the backend's limits, generated from
 * crates/domain (TextField::max_chars) into the bindings, shown next to each field as a counter
 * so nothing typed is refused later.
 */
export { TEXT_LIMITS } from "../bindings/rules";
