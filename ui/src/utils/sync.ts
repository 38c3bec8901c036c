import type { Attention } from "../bindings/Attention";
import type { Refusal } from "../bindings/Refusal";
import { countyName } from "./divisions";
import type { AppLocale } from "../i18n";
import { formatDateTime, formatPlate } from "./format";
import { renderRefusal } from "../i18n/messages";

type T = (key: string, named?: Record<string, unknown>) => string;
type Te = (key: string) => boolean;

/**
 * The name of an outbox action: a work-order action by its ActionKind label, a whitelist decision
 * (`whitelist_approve`, ...) by the whitelist page's words; an unknown code as it is.
 */
export function actionLabel(code: string, t: T, te: Te): string {
  if (te(`action.${code}`)) return t(`action.${code}`);
  if (te(`sync.whitelistAction.${code}`)) return t(`sync.whitelistAction.${code}`);
  return code;
}

/** The order number, or the plate in 豫A·12345 style. */
export function refusalKey(r: Refusal): string {
  return r.entity === "whitelist" ? formatPlate(r.entity_key) : r.entity_key;
}

/** A plain-text note about one refused action, to paste into a message or a report. */
export function refusalNote(r: Refusal, t: T, te: Te, locale: AppLocale): string {
  const keyLabel = t(r.entity === "whitelist" ? "sync.note.plate" : "sync.note.orderNo");
  const said = renderRefusal(r, locale);
  return [
    `${keyLabel}${t("sync.note.sep")}${refusalKey(r)}`,
    `${t("sync.note.action")}${t("sync.note.sep")}${actionLabel(r.action, t, te)}`,
    `${t("sync.note.createdAt")}${t("sync.note.sep")}${formatDateTime(r.created_at)}`,
    `${t("sync.note.reason")}${t("sync.note.sep")}${said.reason} (${r.code})`,
    ...(said.advice ? [`${t("sync.note.advice")}${t("sync.note.sep")}${said.advice}`] : []),
    `${t("sync.note.refusedAt")}${t("sync.note.sep")}${formatDateTime(r.refused_at)}`,
  ].join("\n");
}

/** The refused action in words, with the texts the officer wrote in it. */
export function attentionAction(a: Attention, t: T, te: Te): string {
  const label = actionLabel(a.action, t, te);
  return a.recorded.length > 0 ? `${label}${t("sync.note.sep")}${a.recorded.join(t("sync.attention.textSep"))}` : label;
}

/** A plain-text note about one attention item, to paste into a message or a report. */
export function attentionNote(a: Attention, t: T, te: Te, locale: AppLocale): string {
  const line = (key: string, value: string) => `${t(`sync.attention.note.${key}`)}${t("sync.note.sep")}${value}`;
  return [
    line("orderNo", a.order_no),
    line("county", `${countyName(a.county_code)} (${a.county_code})`),
    line("officer", a.username),
    line("action", attentionAction(a, t, te)),
    line("recordedAt", formatDateTime(a.recorded_at)),
    line("holder", a.holder ?? "-"),
    line("reason", `${renderRefusal(a, locale).reason} (${a.code})`),
    line("refusedAt", formatDateTime(a.refused_at)),
  ].join("\n");
}

/** An http(s) address with a host, as the hub is reached. */
export function isHubUrl(raw: string): boolean {
  const s = raw.trim();
  if (!/^https?:\/\/[^\s/]+/i.test(s)) return false;
  try {
    return new URL(s).hostname !== "";
  } catch {
    return false;
  }
}

/** "14:03" for a time today, "2026-11-23 14:03" otherwise (today is the desk's YYYY-MM-DD). */
export function shortTime(at: string, today: string): string {
  const full = formatDateTime(at);
  return today && full.startsWith(`${today} `) ? full.slice(11) : full;
}

/** Copies text to the clipboard, with the textarea fallback for webviews without the async API. */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== "undefined" && navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}
