// The ONLY module that talks to the Tauri backend. Its commands come from the generated
// bindings/commands.ts (one typed function per Rust command, so a command cannot be renamed on
// one side only); every call goes through `call`, which turns a rejected AppError into a DeskError.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { save } from "@tauri-apps/plugin-dialog";
import type { AppError } from "../bindings/AppError";
import type { DroppedFiles } from "../bindings/DroppedFiles";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { Message } from "../bindings/Message";
import { commands, EVIDENCE_DROPPED, MATERIALS_PROGRESS, SYNC_STATUS } from "../bindings/commands";
import type { ApplicationFetch } from "../bindings/ApplicationFetch";
import type { AutoSyncStatus } from "../bindings/AutoSyncStatus";

/** Error code used when the backend rejected with something that is not an AppError. */
export type DeskErrorCode = ErrorCode | "unknown";

/**
 * A failure as the window shows it: the backend's code and message (key and parameters, rendered
 * in the current language by utils/errors), a message of the window's own (`uiKey`, a vue-i18n
 * key), or, for anything else, a generic text with what the failure said (`detail`).
 */
export class DeskError extends Error {
  readonly code: DeskErrorCode;
  readonly msg: Message | null;
  readonly uiKey: string | null;
  readonly detail: string;

  constructor(code: DeskErrorCode, msg: Message | null, opts: { uiKey?: string; detail?: string } = {}) {
    super(msg ? msg.key : (opts.uiKey ?? opts.detail ?? code));
    this.name = "DeskError";
    this.code = code;
    this.msg = msg;
    this.uiKey = opts.uiKey ?? null;
    this.detail = opts.detail ?? "";
  }
}

function isAppError(e: unknown): e is AppError {
  if (typeof e !== "object" || e === null) return false;
  const m = (e as AppError).message as unknown;
  return (
    typeof (e as AppError).code === "string" &&
    typeof m === "object" &&
    m !== null &&
    typeof (m as Message).key === "string" &&
    typeof (m as Message).params === "object"
  );
}

/** Turn anything a command rejected with into a DeskError (never exposes a stack trace to users). */
export function toDeskError(e: unknown): DeskError {
  if (e instanceof DeskError) return e;
  if (isAppError(e)) return new DeskError(e.code, e.message);
  const detail = typeof e === "string" ? e : e instanceof Error ? e.message : "";
  return new DeskError("unknown", null, { detail });
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
  syncProgress,
  getOrder,
  orderEvidence,
  getVehicle,
  claimOrder,
  actOnOrders,
  undoClaim,
  handleOrder,
  interceptOrder,
  notifyAuthority,
  recordFeedback,
  closeGroundless,
  requireRectification,
  recordRectification,
  pickEvidenceFiles,
  submitForSpotCheck,
  returnOrder,
  transferOrder,
  spotCheck,
  reassignOrder,
  overrideWhitelist,
  listWhitelist,
  exportWhitelist,
  permitApplications,
  exportPermitApplications,
  permitDay,
  closePermitDay,
  dishonestList,
  listDishonest,
  repairDishonest,
  applicationReview,
  fetchMaterials,
  materialsProgress,
  mediaBaseUrl,
  permitReview,
  savePermitReview,
  decidePermitReview,
  permitClock,
  permitNotice,
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
  autoSyncStatus,
  dismissRefusal,
  redoRefusal,
  attentionList,
  resolveAttention,
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
 * Files dropped on the window, granted by the backend from the window system's drop event (the
 * page cannot grant a path itself). Returns the function that stops listening.
 */
export function onEvidenceDropped(handler: (dropped: DroppedFiles) => void): Promise<UnlistenFn> {
  return listen<DroppedFiles>(EVIDENCE_DROPPED, (e) => handler(e.payload));
}

/** Where the viewer loads stored evidence: the backend's `evidence:` scheme, by hash only. */
export function evidenceUrl(hash: string): string {
  return convertFileSrc(hash, "evidence");
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

/**
 * Native "save as" for a one-time notice: starts with `defaultName`, offers only .pdf. Returns the
 * chosen path, or null when the user cancelled.
 */
export async function pickNoticePath(defaultName: string, label: string): Promise<string | null> {
  try {
    return await save({ defaultPath: defaultName, filters: [{ name: label, extensions: ["pdf"] }] });
  } catch (e) {
    throw toDeskError(e);
  }
}

/** The background sync's status after each attempt. Returns the function that stops listening. */
export function onSyncStatus(handler: (status: AutoSyncStatus) => void): Promise<UnlistenFn> {
  return listen<AutoSyncStatus>(SYNC_STATUS, (e) => handler(e.payload));
}

/** An application's materials download as it goes. Returns the function that stops listening. */
export function onMaterialsProgress(handler: (progress: ApplicationFetch) => void): Promise<UnlistenFn> {
  return listen<ApplicationFetch>(MATERIALS_PROGRESS, (e) => handler(e.payload));
}

let mediaBase: Promise<string | null> | null = null;

/**
 * Where `<video>` plays a held material: the app's loopback server (`http://127.0.0.1:PORT/TOKEN`,
 * asked once per run), by hash. Null when the server could not start.
 */
export async function mediaUrl(hash: string): Promise<string | null> {
  mediaBase ??= desk.mediaBaseUrl().catch(() => null);
  const base = await mediaBase;
  return base ? `${base}/${hash}` : null;
}
