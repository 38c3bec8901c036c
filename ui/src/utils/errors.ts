import { ElMessage } from "element-plus";
import "element-plus/es/components/message/style/css";
import { toDeskError } from "../api/desk";
import { currentLocale, i18n } from "../i18n";
import { renderMessage } from "../i18n/messages";
import { messagePlacement } from "./placement";

/** The user-facing text for any failure in the current language (never a stack trace). */
export function errorText(e: unknown): string {
  const err = toDeskError(e);
  if (err.msg) return renderMessage(err.msg, currentLocale());
  const t = i18n.global.t;
  if (err.uiKey) return t(err.uiKey);
  return err.detail ? t("error.genericWith", { detail: err.detail }) : t("error.generic");
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
