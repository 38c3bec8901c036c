import type { InboxCount } from "../bindings/InboxCount";
import type { Status } from "../bindings/Status";
import type { TimeLeft } from "../bindings/TimeLeft";
import type { ClockOwner } from "../bindings/ClockOwner";
import { FINISHED_STATUSES } from "../bindings/rules";

type T = (key: string, named?: Record<string, unknown>, plural?: number) => string;

/** "剩余 2 个工作日" / "今日到期" / "逾期 3 个工作日" */
export function workingDaysLabel(left: number, t: T): string {
  if (left === 0) return t("days.today");
  if (left > 0) return t("days.left", { n: left }, left);
  const n = -left;
  return t("days.overdue", { n }, n);
}

/** Finished orders (closed, transferred: the domain's list) run no clock any more. */
export function isFinished(status: Status): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** "1 小时 20 分" / "35 分钟" / "2 天 4 小时": at most two units, for a positive number of minutes. */
export function durationLabel(minutes: number, t: T): string {
  const total = Math.max(0, Math.round(minutes));
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  if (d > 0) return h > 0 ? `${t("clock.days", { n: d })} ${t("clock.hours", { n: h })}` : t("clock.days", { n: d });
  if (h > 0) return m > 0 ? `${t("clock.hours", { n: h })} ${t("clock.minutesShort", { n: m })}` : t("clock.hours", { n: h });
  return t("clock.minutes", { n: m });
}

/** A minutes clock: "剩余 1 小时 20 分" / "超时 35 分钟" / "即将超时" (EN "1 h 20 min left" / "35 min overdue"). */
export function minutesLabel(left: number, t: T): string {
  if (left === 0) return t("clock.dueNow");
  if (left > 0) return t("clock.left", { d: durationLabel(left, t) });
  return t("clock.overdue", { d: durationLabel(-left, t) });
}

/** Time left on any clock, in its own unit. */
export function timeLeftLabel(tl: TimeLeft, t: T): string {
  return tl.unit === "minutes" ? minutesLabel(tl.left, t) : workingDaysLabel(tl.left, t);
}

/**
 * Colour of a clock: red only when the user's own clock is overdue, amber when it is due soon
 * (1 working day or less, or 60 minutes or less), neutral ("others") when the clock is someone
 * else's, whatever its time.
 */
export type ClockLevel = "overdue" | "soon" | "ok" | "others";

export function clockLevel(tl: TimeLeft, mine: boolean): ClockLevel {
  if (!mine) return "others";
  if (tl.left < 0) return "overdue";
  if (tl.unit === "minutes" ? tl.left <= 60 : tl.left <= 1) return "soon";
  return "ok";
}

/** The permit desk's working-days clocks as a style class, by `clockLevel`'s rule. */
export function dueLevel(left: number): "" | "is-soon" | "is-overdue" {
  const level = clockLevel({ unit: "working_days", left }, true);
  return level === "overdue" ? "is-overdue" : level === "soon" ? "is-soon" : "";
}

/** The i18n key naming a clock by its owner (and, for the supervisor, the state it waits in). */
export function clockNameKey(owner: ClockOwner, status: Status): string {
  if (owner === "supervisor") return status === "returned" ? "reassign" : "spot_check";
  return owner;
}

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234 -> "1,234" */
export function formatInt(n: number): string {
  return grouped.format(n);
}

/** Count text for the inbox: "共 1,234 条" or "10,000+ 条" when the backend capped the count. */
export function countLabel(count: InboxCount, t: T): string {
  const n = formatInt(count.total);
  return count.capped ? t("inbox.countCapped", { n }) : t("inbox.count", { n });
}

/** One decimal: 0.9112 -> "91.1%" (input is a ratio). */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** Two decimals for money. */
export function formatMoney(n: number): string {
  return new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Normalise a backend time to "2026-11-24 14:03" (accepts that form, ISO with T/seconds/zone). */
export function formatDateTime(s: string | null | undefined): string {
  if (!s) return "";
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(s);
  if (m) return `${m[1]} ${m[2]}`;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return formatLocalTime(d);
}

/** "2026-11-24" from anything date-like. */
export function formatDate(s: string | null | undefined): string {
  if (!s) return "";
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(s);
  return m ? m[1] : s;
}

/** Day of week (0 = Sunday) of a YYYY-MM-DD date, independent of the time zone. */
export function weekdayOf(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
}

/** 1536 -> "1.5 KB" */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** Plates in 豫A·12345 style: a middle dot after the province + city letter. */
export function formatPlate(plate: string): string {
  if (!plate || plate.includes("·")) return plate;
  const m = /^([\u4e00-\u9fa5][A-Z])(.+)$/.exec(plate);
  return m ? `${m[1]}·${m[2]}` : plate;
}

/** Valid YYYY-MM-DD calendar date. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** A moment in this machine's local time, as lists show and print it: 2026-12-01 09:30. */
export function formatLocalTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The local time in an exported file's name: 20261201-0930. */
export function fileStamp(d: Date = new Date()): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
}

/** Local calendar date of a Date as YYYY-MM-DD. */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Rectification deadline check: a real date, not before the desk's today. Returns the rule key. */
export function checkDeadline(value: string, todayIso: string): "deadline" | "deadlineFormat" | "deadlinePast" | null {
  if (!value) return "deadline";
  if (!isIsoDate(value)) return "deadlineFormat";
  if (value < todayIso) return "deadlinePast";
  return null;
}
