// The ONLY module that talks to the Tauri backend. Its commands come from the generated
// bindings/commands.ts (one typed function per Rust command, so a command cannot be renamed on
// one side only); every call goes through `call`, which turns a rejected AppError into a DeskError.
import { invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import type { AppError } from "../bindings/AppError";
import type { ErrorCode } from "../bindings/ErrorCode";
import { commands } from "../bindings/commands";

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

/** Every backend command, typed from the Rust definitions. */
export const desk = commands(call);

export const {
  deskStatus,
  catalog,
  listInbox,
  countInbox,
  exportInbox,
  exportProgress,
  getOrder,
  getVehicle,
  claimOrder,
  claimOrders,
  handleOrder,
  interceptOrder,
  notifyAuthority,
  recordFeedback,
  closeGroundless,
  requireRectification,
  recordRectification,
  submitForSpotCheck,
  returnOrder,
  transferOrder,
  spotCheck,
  reassignOrder,
  overrideWhitelist,
  listWhitelist,
  approveWhitelist,
  declineWhitelist,
  revokeWhitelist,
  addWhitelist,
  setProfile,
  loadDemo,
  listOutbox,
  saveDraft,
  loadDraft,
  clearDraft,
  syncOverview,
  hubLogin,
  hubLogout,
  syncNow,
  listFilters,
  saveFilter,
  useFilter,
  filterInUse,
  deleteFilter,
} = desk;

/** Start-up phases in ms since the page began loading, from the `cd-*` performance marks. */
function startupTimings(): string {
  const marks: Record<string, number> = {};
  for (const m of performance.getEntriesByType("mark")) {
    if (m.name.startsWith("cd-")) marks[m.name.slice(3)] = Math.round(m.startTime);
  }
  marks.ready = Math.round(performance.now());
  return JSON.stringify(marks);
}

/** Start-up measurement hook; errors are ignored on purpose. */
export async function frontendReady(): Promise<void> {
  try {
    await desk.frontendReady(startupTimings());
  } catch {
    /* the backend may not measure start-up; nothing to tell the user */
  }
}

/**
 * What the evidence store accepts (it refuses HEIC, BMP and GIF by their contents): the picker
 * offers nothing else.
 */
export const EVIDENCE_IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"];
export const EVIDENCE_PDF_EXTENSIONS = ["pdf"];

/** Native file picker for rectification evidence (images and PDF). Returns absolute paths. */
export async function pickEvidenceFiles(imagesLabel: string, pdfLabel: string): Promise<string[]> {
  try {
    const picked = await open({
      multiple: true,
      directory: false,
      filters: [
        { name: imagesLabel, extensions: EVIDENCE_IMAGE_EXTENSIONS },
        { name: pdfLabel, extensions: EVIDENCE_PDF_EXTENSIONS },
      ],
    });
    if (picked === null) return [];
    return Array.isArray(picked) ? picked : [picked];
  } catch (e) {
    throw toDeskError(e);
  }
}

/**
 * Native "save as" for an export: starts with `defaultName`, offers only .xlsx. Returns the chosen
 * path, or null when the user cancelled.
 */
export async function pickExportPath(defaultName: string, label: string): Promise<string | null> {
  try {
    return await save({ defaultPath: defaultName, filters: [{ name: label, extensions: ["xlsx"] }] });
  } catch (e) {
    throw toDeskError(e);
  }
}
