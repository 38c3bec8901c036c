import type { WhitelistEntry } from "../bindings/WhitelistEntry";

type T = (key: string, named?: Record<string, unknown>) => string;

/** "2026-11-01 至 2026-11-03", or "2026-11-01 起" for an entry without an end. */
export function validity(entry: WhitelistEntry, t: T): string {
  return entry.valid_until
    ? t("whitelist.validRange", { from: entry.valid_from, until: entry.valid_until })
    : t("whitelist.validOpen", { from: entry.valid_from });
}
