import type { WhitelistEntry } from "../bindings/WhitelistEntry";
import { catalogues } from "../i18n/messages";

type T = (key: string, named?: Record<string, unknown>) => string;

/** "2026-11-01 至 2026-11-03", or "2026-11-01 起" for an entry without an end. */
export function validity(entry: WhitelistEntry, t: T): string {
  return entry.valid_until
    ? t("whitelist.validRange", { from: entry.valid_from, until: entry.valid_until })
    : t("whitelist.validOpen", { from: entry.valid_from });
}

/**
 * The reason of an entry in the window's language. An entry the system proposed from clean
 * interceptions carries a reason it wrote itself, in the words of the Chinese catalogue's
 * `whitelistReason.clean_interceptions` (a Rust test holds the domain to that template): that one
 * is shown from the current language's catalogue; a reason a person typed is data, shown as it is.
 */
export function reasonText(entry: WhitelistEntry, t: T): string {
  if (entry.kind === "repeated_clean_interception") {
    const n = systemReasonCount(entry.reason, catalogues["zh-CN"].whitelistReason.clean_interceptions);
    if (n !== null) return t("whitelistReason.clean_interceptions", { n });
  }
  return entry.reason;
}

/** The count in a reason written from `template` ("{n} 次拦截…"), or null for any other text. */
export function systemReasonCount(reason: string, template: string): number | null {
  const [before, after] = template.split("{n}");
  if (after === undefined || !reason.startsWith(before) || !reason.endsWith(after)) return null;
  const middle = reason.slice(before.length, reason.length - after.length);
  return /^\d+$/.test(middle) ? Number(middle) : null;
}
