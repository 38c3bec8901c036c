// Generated from src-tauri/src/commands.rs by `cargo test -p casedesk`; do not edit.
import type { ApplicationFetch } from "./ApplicationFetch";
import type { ApplicationReview } from "./ApplicationReview";
import type { ApplicationView } from "./ApplicationView";
import type { AttachedEvidence } from "./AttachedEvidence";
import type { Attention } from "./Attention";
import type { AutoSyncStatus } from "./AutoSyncStatus";
import type { BatchAction } from "./BatchAction";
import type { BatchItem } from "./BatchItem";
import type { ClockAction } from "./ClockAction";
import type { DemoSummary } from "./DemoSummary";
import type { DeskStatus } from "./DeskStatus";
import type { DishonestView } from "./DishonestView";
import type { ExportSummary } from "./ExportSummary";
import type { HandlingMethod } from "./HandlingMethod";
import type { InboxCount } from "./InboxCount";
import type { InboxPage } from "./InboxPage";
import type { InboxQuery } from "./InboxQuery";
import type { InterceptionOutcome } from "./InterceptionOutcome";
import type { ListPenalty } from "./ListPenalty";
import type { NoticeWritten } from "./NoticeWritten";
import type { OfferedFile } from "./OfferedFile";
import type { OrderDetail } from "./OrderDetail";
import type { OutboxEntry } from "./OutboxEntry";
import type { PermitDayView } from "./PermitDayView";
import type { ReturnReason } from "./ReturnReason";
import type { ReviewDraft } from "./ReviewDraft";
import type { ReviewView } from "./ReviewView";
import type { Role } from "./Role";
import type { SavedFilter } from "./SavedFilter";
import type { SignedIn } from "./SignedIn";
import type { SyncOverview } from "./SyncOverview";
import type { SyncReport } from "./SyncReport";
import type { UploadProgress } from "./UploadProgress";
import type { VehicleDetail } from "./VehicleDetail";
import type { Verdict } from "./Verdict";
import type { Violation } from "./Violation";
import type { WhitelistKind } from "./WhitelistKind";
import type { WhitelistRow } from "./WhitelistRow";
import type { WhitelistStatus } from "./WhitelistStatus";

/** How a command is sent: `invoke`, with errors turned into the desk's own. */
export type Call = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;

/** Every command of the window, typed as the Rust side defines it. */
export function commands(call: Call) {
  return {
    /** Who works here, the cache's counts and the unsent queue. */
    deskStatus: () => call<DeskStatus>("desk_status"),
    /** The violation catalog (with an administrator's override applied). */
    catalog: () => call<Array<Violation>>("catalog"),
    listInbox: (query: InboxQuery) => call<InboxPage>("list_inbox", { query }),
    countInbox: (query: InboxQuery) => call<InboxCount>("count_inbox", { query }),
    /** 导出Excel: every order of the query (all pages) to `path`, on a reader of its own so the inbox and actions go on meanwhile; `export_progress` tells how far it got. */
    exportInbox: (query: InboxQuery, path: string) => call<ExportSummary>("export_inbox", { query, path }),
    exportProgress: () => call<number>("export_progress"),
    getOrder: (id: number) => call<OrderDetail>("get_order", { id }),
    /** The order's attached files with who attached each and when, for the viewer. */
    orderEvidence: (id: number) => call<Array<AttachedEvidence>>("order_evidence", { id }),
    getVehicle: (plate: string) => call<VehicleDetail>("get_vehicle", { plate }),
    claimOrder: (id: number) => call<OrderDetail>("claim_order", { id }),
    /** 批量认领、退回、转办: each order in its own transaction; refusals come back per order, with the reason. */
    actOnOrders: (ids: Array<number>, action: BatchAction) => call<Array<BatchItem>>("act_on_orders", { ids, action }),
    /** 撤销认领 while the claim is unsent and the order unchanged since. */
    undoClaim: (id: number) => call<OrderDetail>("undo_claim", { id }),
    handleOrder: (id: number, method: HandlingMethod, result: string, notes: string) => call<OrderDetail>("handle_order", { id, method, result, notes }),
    interceptOrder: (id: number, outcome: InterceptionOutcome, notes: string) => call<OrderDetail>("intercept_order", { id, outcome, notes }),
    notifyAuthority: (id: number, authority: string, content: string, feedbackDue: string | null) => call<OrderDetail>("notify_authority", { id, authority, content, feedbackDue }),
    recordFeedback: (id: number, feedback: string) => call<OrderDetail>("record_feedback", { id, feedback }),
    closeGroundless: (id: number, finding: string) => call<OrderDetail>("close_groundless", { id, finding }),
    requireRectification: (id: number, requirement: string, deadline: string) => call<OrderDetail>("require_rectification", { id, requirement, deadline }),
    /** Attaches only files granted by the dialog or a drop (`files` are their ids, never paths); copies them without holding the desk, then records. */
    recordRectification: (id: number, description: string, files: Array<string>) => call<OrderDetail>("record_rectification", { id, description, files }),
    /** Opens the native chooser (titled `title`, filters named by the page in its language, extensions from the store) and grants the files picked; refused ones say why. */
    pickEvidenceFiles: (title: string, allLabel: string, photosLabel: string, pdfLabel: string) => call<Array<OfferedFile>>("pick_evidence_files", { title, allLabel, photosLabel, pdfLabel }),
    submitForSpotCheck: (id: number) => call<OrderDetail>("submit_for_spot_check", { id }),
    returnOrder: (id: number, reasonCode: ReturnReason, reason: string) => call<OrderDetail>("return_order", { id, reasonCode, reason }),
    transferOrder: (id: number, toUnit: string, reason: string) => call<OrderDetail>("transfer_order", { id, toUnit, reason }),
    /** Supervisors: pass closes the order; fail (with a reason) sends it back for rework. */
    spotCheck: (id: number, passed: boolean, notes: string) => call<OrderDetail>("spot_check", { id, passed, notes }),
    reassignOrder: (id: number, countyCode: string, reason: string) => call<OrderDetail>("reassign_order", { id, countyCode, reason }),
    overrideWhitelist: (id: number, reason: string) => call<OrderDetail>("override_whitelist", { id, reason }),
    /** The whitelist page: entries with the status and a plate containing `plate` (all when none). */
    listWhitelist: (status: WhitelistStatus | null, plate: string | null) => call<Array<WhitelistRow>>("list_whitelist", { status, plate }),
    /** 导出Excel of the whitelist page: every entry the page's filters keep, to `path`. */
    exportWhitelist: (status: WhitelistStatus | null, plate: string | null, path: string) => call<ExportSummary>("export_whitelist", { status, plate, path }),
    approveWhitelist: (plate: string, reason: string) => call<WhitelistRow>("approve_whitelist", { plate, reason }),
    declineWhitelist: (plate: string, reason: string) => call<WhitelistRow>("decline_whitelist", { plate, reason }),
    revokeWhitelist: (plate: string, reason: string) => call<WhitelistRow>("revoke_whitelist", { plate, reason }),
    addWhitelist: (plate: string, kind: WhitelistKind, reason: string, eventName: string | null, validFrom: string | null, validUntil: string | null) => call<WhitelistRow>("add_whitelist", { plate, kind, reason, eventName, validFrom, validUntil }),
    /** Switches who works at this desk (until sign-in to a hub exists). */
    setProfile: (userName: string, role: Role, countyCode: string) => call<DeskStatus>("set_profile", { userName, role, countyCode }),
    /** The 同步 page: who is signed in, the last sync, what waits, what the hub refused. */
    syncOverview: () => call<SyncOverview>("sync_overview"),
    /** Signs in to a hub (the password is not kept; the tokens go to the OS keyring). */
    hubLogin: (hubUrl: string, username: string, password: string) => call<SignedIn>("hub_login", { hubUrl, username, password }),
    /** Signs out: the tokens are forgotten, the unsent queue stays. */
    hubLogout: () => call<null>("hub_logout"),
    /** 放弃: an action the hub refused leaves the list, kept with who dismissed it and when. */
    dismissRefusal: (seq: number) => call<null>("dismiss_refusal", { seq }),
    /** 重做: a refused work-order action decided again on the order as it is now, and queued. */
    redoRefusal: (seq: number) => call<OrderDetail>("redo_refusal", { seq }),
    /** A supervisor's attention list (待关注): other officers' work refused because someone else holds the order, as the last sync fetched it. */
    attentionList: () => call<Array<Attention>>("attention_list"),
    /** 已处理: resolves an attention item on the hub with a note (needs the network). */
    resolveAttention: (id: number, note: string) => call<null>("resolve_attention", { id, note }),
    /** 大件运输: the service point's applications of a day (`YYYY-MM-DD`, today when null) with what the rules compute for each, as the last sync pulled them. */
    permitApplications: (date: string | null) => call<Array<ApplicationView>>("permit_applications", { date }),
    /** 导出Excel of the 大件运输 page: the day's applications (today when none) to `path`. */
    exportPermitApplications: (date: string | null, path: string) => call<ExportSummary>("export_permit_applications", { date, path }),
    /** The service point's permit day: commitment, and once closed the seed, the draw and the desk's verification of it; null when the hub has not published the day. */
    permitDay: (date: string | null) => call<PermitDayView | null>("permit_day", { date }),
    /** 日结: closes the day on the hub (desk staff; needs the network), then syncs and verifies the revealed draw. */
    closePermitDay: (date: string | null) => call<PermitDayView>("close_permit_day", { date }),
    /** 失信企业库: the dishonest-enterprise list as the last sync brought it. */
    dishonestList: () => call<Array<DishonestView>>("dishonest_list"),
    /** Lists a carrier today (desk staff, supervisors; needs the network: the hub dates it). */
    listDishonest: (creditId: string, enterpriseName: string, behaviour: string, penalty: ListPenalty, repairConditions: string) => call<DishonestView>("list_dishonest", { creditId, enterpriseName, behaviour, penalty, repairConditions }),
    /** Records an entry's credit repair today (needs the network); it cannot be undone. */
    repairDishonest: (id: number) => call<DishonestView>("repair_dishonest", { id }),
    /** 远程审核: one application's declaration beside its materials, each with whether it is held, its metadata, findings (no EXIF, cuts) and the applications that handed it in before. */
    applicationReview: (applicationId: string) => call<ApplicationReview>("application_review", { applicationId }),
    /** Fetches the application's materials first (in the background); its progress so far. The page then follows the `materials-progress` event. */
    fetchMaterials: (applicationId: string) => call<ApplicationFetch | null>("fetch_materials", { applicationId }),
    /** An application's materials download as it stands (none asked for since start: null). */
    materialsProgress: (applicationId: string) => call<ApplicationFetch | null>("materials_progress", { applicationId }),
    /** `http://127.0.0.1:PORT/TOKEN`: where `<video>` finds a held file, at `{base}/{sha256}`; null when the loopback server could not start. */
    mediaBaseUrl: () => call<string | null>("media_base_url"),
    /** 审核: an application's review (checklist for its class, marks, notes, verdict, the one-time notice's clock and lines). */
    permitReview: (applicationId: string) => call<ReviewView>("permit_review", { applicationId }),
    /** Keeps the reviewer's marks and notes as a draft (refused once decided). */
    savePermitReview: (applicationId: string, draft: ReviewDraft) => call<ReviewView>("save_permit_review", { applicationId, draft }),
    /** Gives the verdict (pass, fail, more_material) on the draft, with its outbox mutation. */
    decidePermitReview: (applicationId: string, verdict: Verdict, draft: ReviewDraft) => call<ReviewView>("decide_permit_review", { applicationId, verdict, draft }),
    /** 暂停计时 / 恢复计时: pauses or resumes an application's decision clock (road or bridge reinforcement, technical assessment), with its outbox mutation; the application after it. */
    permitClock: (applicationId: string, action: ClockAction) => call<ApplicationView>("permit_clock", { applicationId, action }),
    /** 一次性告知书: the notice of an application sent back for more material, as PDF at `path` (chosen in the save dialog). */
    permitNotice: (applicationId: string, path: string) => call<NoticeWritten>("permit_notice", { applicationId, path }),
    /** Pushes the outbox (uploading the evidence files it refers to first), then pulls the hub's changes; on the background sync's desk, so the window's desk stays free. */
    syncNow: () => call<SyncReport>("sync_now"),
    /** The background sync: its last outcome and when it tries next (also sent as an event). */
    autoSyncStatus: () => call<AutoSyncStatus>("auto_sync_status"),
    /** The evidence file the sync is sending (or sent last), with bytes and speed; read without waiting for the sync. */
    syncProgress: () => call<UploadProgress | null>("sync_progress"),
    loadDemo: (orders: number) => call<DemoSummary>("load_demo", { orders }),
    listOutbox: () => call<Array<OutboxEntry>>("list_outbox"),
    saveDraft: (key: string, value: string) => call<null>("save_draft", { key, value }),
    loadDraft: (key: string) => call<string | null>("load_draft", { key }),
    clearDraft: (key: string) => call<null>("clear_draft", { key }),
    /** 常用筛选: the saved filters, by name. */
    listFilters: () => call<Array<SavedFilter>>("list_filters"),
    /** Saves the query under a name (replacing one of that name) and makes it the one in use. */
    saveFilter: (name: string, query: InboxQuery) => call<SavedFilter>("save_filter", { name, query }),
    /** Marks a saved filter applied (restored at start); null when the filters are set by hand. */
    useFilter: (name: string | null) => call<SavedFilter | null>("use_filter", { name }),
    /** The saved filter applied last, restored when the window starts. */
    filterInUse: () => call<SavedFilter | null>("filter_in_use"),
    deleteFilter: (name: string) => call<null>("delete_filter", { name }),
    /** Called by the page once the inbox has painted rows: start-up time for the benchmark, with the page's own phases (ms since it began loading). */
    frontendReady: (timings: string | null) => call<null>("frontend_ready", { timings }),
  };
}

/** The event carrying files dropped on the window (DroppedFiles). */
export const EVIDENCE_DROPPED = "evidence-dropped";

/** The event carrying the background sync's status after each attempt (AutoSyncStatus). */
export const SYNC_STATUS = "sync-status";

/** The event carrying an application's materials download (ApplicationFetch). */
export const MATERIALS_PROGRESS = "materials-progress";
