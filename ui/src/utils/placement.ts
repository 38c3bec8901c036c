/**
 * Where messages appear: top right, where the eye is after acting in the table or the drawer,
 * and below the window's header and an open drawer's head (its title and close button, and the
 * order's number, status and clock), so a message never hides them. Measured each time: both
 * grow with the text size.
 */
export const MESSAGE_GAP = 8;

export function messagePlacement(): { placement: "top-right"; offset: number } {
  let bottom = 0;
  if (typeof document !== "undefined") {
    for (const sel of [".app-header", ".order-drawer-el .el-drawer__header", ".order-drawer-el .drawer-head"]) {
      for (const el of document.querySelectorAll<HTMLElement>(sel)) {
        const r = el.getBoundingClientRect();
        if (r.height > 0) bottom = Math.max(bottom, r.bottom);
      }
    }
  }
  return { placement: "top-right", offset: Math.round(bottom) + MESSAGE_GAP };
}
