// The ONLY module that talks to the Tauri backend. Every command of docs/ui-contract.md has one
// typed function here; a rejected AppError becomes a DeskError.
import { invoke } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import type { AppError } from "../bindings/AppError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { DeskStatus } from "../bindings/DeskStatus";
import type { Violation } from "../bindings/Violation";
import type { InboxQuery } from "../bindings/InboxQuery";
import type { InboxPage } from "../bindings/InboxPage";
import type { InboxCount } from "../bindings/InboxCount";
import type { OrderDetail } from "../bindings/OrderDetail";
import type { HandlingMethod } from "../bindings/HandlingMethod";
import type { DemoSummary } from "../bindings/DemoSummary";
import type { OutboxEntry } from "../bindings/OutboxEntry";

/** Error code used when the backend rejected with something that is not an AppError. */
export type DeskErrorCode = ErrorCode | "unknown";

export class DeskError extends Error {
  readonly code: DeskErrorCode;
  readonly message_zh: string;
  readonly message_en: string;

  constructor(code: DeskErrorCode, message_zh: string, message_en: string) {
    super(message_en || message_zh);
    this.name = "DeskError";
    this.code = code;
    this.message_zh = message_zh;
    this.message_en = message_en;
  }
}

function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as AppError).code === "string" &&
    typeof (e as AppError).message_zh === "string" &&
    typeof (e as AppError).message_en === "string"
  );
}

/** Turn anything a command rejected with into a DeskError (never exposes a stack trace to users). */
export function toDeskError(e: unknown): DeskError {
  if (e instanceof DeskError) return e;
  if (isAppError(e)) return new DeskError(e.code, e.message_zh, e.message_en);
  const detail = typeof e === "string" ? e : e instanceof Error ? e.message : "";
  return new DeskError(
    "unknown",
    "操作未能完成，请稍后重试；如果问题持续，请联系管理员。" + (detail ? `（${detail}）` : ""),
    "The operation could not be completed. Please try again; if it keeps failing, contact your administrator." +
      (detail ? ` (${detail})` : ""),
  );
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toDeskError(e);
  }
}

export const deskStatus = () => call<DeskStatus>("desk_status");
export const catalog = () => call<Violation[]>("catalog");
export const listInbox = (query: InboxQuery) => call<InboxPage>("list_inbox", { query });
export const countInbox = (query: InboxQuery) => call<InboxCount>("count_inbox", { query });
export const getOrder = (id: number) => call<OrderDetail>("get_order", { id });
export const claimOrder = (id: number) => call<OrderDetail>("claim_order", { id });
export const handleOrder = (id: number, method: HandlingMethod, result: string, notes: string) =>
  call<OrderDetail>("handle_order", { id, method, result, notes });
export const requireRectification = (id: number, requirement: string, deadline: string) =>
  call<OrderDetail>("require_rectification", { id, requirement, deadline });
export const recordRectification = (id: number, description: string, files: string[]) =>
  call<OrderDetail>("record_rectification", { id, description, files });
export const submitForSpotCheck = (id: number) => call<OrderDetail>("submit_for_spot_check", { id });
export const returnOrder = (id: number, reason: string) => call<OrderDetail>("return_order", { id, reason });
export const transferOrder = (id: number, toUnit: string, reason: string) =>
  call<OrderDetail>("transfer_order", { id, toUnit, reason });
export const loadDemo = (orders: number) => call<DemoSummary>("load_demo", { orders });
export const listOutbox = () => call<OutboxEntry[]>("list_outbox");
export const saveDraft = (key: string, value: string) => call<null>("save_draft", { key, value });
export const loadDraft = (key: string) => call<string | null>("load_draft", { key });
export const clearDraft = (key: string) => call<null>("clear_draft", { key });

/** Start-up measurement hook; errors are ignored on purpose. */
/** Start-up phases in ms since the page began loading, from the `cd-*` performance marks. */
function startupTimings(): string {
  const marks: Record<string, number> = {};
  for (const m of performance.getEntriesByType("mark")) {
    if (m.name.startsWith("cd-")) marks[m.name.slice(3)] = Math.round(m.startTime);
  }
  marks.ready = Math.round(performance.now());
  return JSON.stringify(marks);
}

export async function frontendReady(): Promise<void> {
  try {
    await invoke<null>("frontend_ready", { timings: startupTimings() });
  } catch {
    /* the backend may not measure start-up; nothing to tell the user */
  }
}

/** Native file picker for rectification evidence (images and PDF). Returns absolute paths. */
export async function pickEvidenceFiles(imagesLabel: string, pdfLabel: string): Promise<string[]> {
  try {
    const picked = await open({
      multiple: true,
      directory: false,
      filters: [
        { name: imagesLabel, extensions: ["jpg", "jpeg", "png", "webp", "heic", "bmp", "gif"] },
        { name: pdfLabel, extensions: ["pdf"] },
      ],
    });
    if (picked === null) return [];
    return Array.isArray(picked) ? picked : [picked];
  } catch (e) {
    throw toDeskError(e);
  }
}
