import type { InboxQuery } from "../bindings/InboxQuery";
import type { FixedFilters } from "../stores/inbox";

type T = (key: string, params?: Record<string, unknown>) => string;

/**
 * The filters of a list as the user named them ("待我办理、待认领、已逾期、只看未办结"), for the empty
 * search's scope, the printed list's head and the saved filters. A list's fixed filters (待抽查's
 * status) are not named; violation types are named by `violationName` (the window's language);
 * `withSearch` adds the term and the sort.
 */
export function filterParts(
  q: InboxQuery,
  t: T,
  violationName: (code: string) => string = (code) => code,
  fixed: FixedFilters = {},
  withSearch = false,
): string[] {
  const parts: string[] = [];
  if (q.waiting_for_me) parts.push(t("tableTools.viewWaiting"));
  if (!("status" in fixed)) for (const s of q.status) parts.push(t(`status.${s}`));
  if (q.industry) parts.push(t(`industry.${q.industry}`));
  if (q.violation_code) parts.push(violationName(q.violation_code));
  if (q.clue_category) parts.push(t(`category.names.c${q.clue_category}`));
  if (q.due) parts.push(t(`due.${q.due}`));
  if (q.mine) parts.push(t("inbox.mine"));
  if (q.open_only && !("status" in fixed)) parts.push(t("inbox.openOnly"));
  if (withSearch) {
    if (q.search) parts.push(t("tableTools.searchTerm", { term: q.search }));
    const key = q.sort === "deadline" ? "sortDeadline" : "sortDetected";
    parts.push(t(`tableTools.${key}${q.descending ? "Desc" : ""}`));
  }
  return parts;
}
