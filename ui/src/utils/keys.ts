/** True when a key press belongs to text entry (inputs, textareas, selects, editable content). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

/** True while a dialog (the evidence viewer, a confirmation) is open: its keys are its own. */
export function dialogIsOpen(): boolean {
  return document.querySelector(".el-overlay:not([style*='display: none'])") !== null;
}
