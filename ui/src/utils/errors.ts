import { ElMessage } from "element-plus";
import "element-plus/es/components/message/style/css";
import { toDeskError } from "../api/desk";
import { currentLocale } from "../i18n";
import { messagePlacement } from "./placement";

/** The user-facing, localized text for any failure (never a stack trace). */
export function errorText(e: unknown): string {
  const err = toDeskError(e);
  return currentLocale() === "en" ? err.message_en || err.message_zh : err.message_zh || err.message_en;
}

export function showError(e: unknown): void {
  ElMessage({ ...messagePlacement(), type: "error", message: errorText(e), duration: 6000, showClose: true, grouping: true });
}

export function showSuccess(message: string): void {
  ElMessage({ ...messagePlacement(), type: "success", message, duration: 3000, grouping: true });
}

/** Something worked, but needs the user's attention (e.g. the hub refused some actions). */
export function showWarning(message: string): void {
  ElMessage({ ...messagePlacement(), type: "warning", message, duration: 6000, showClose: true, grouping: true });
}
