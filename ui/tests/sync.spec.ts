import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { useSyncStore, DEFAULT_HUB_URL } from "../src/stores/sync";
import { useDeskStore } from "../src/stores/desk";
import SyncView from "../src/views/SyncView.vue";
import AppHeader from "../src/components/AppHeader.vue";
import { i18n } from "../src/i18n";
import type { SyncOverview } from "../src/bindings/SyncOverview";
import type { SyncReport } from "../src/bindings/SyncReport";
import type { Refusal } from "../src/bindings/Refusal";
import type { SignedIn } from "../src/bindings/SignedIn";
import type { AutoSyncStatus } from "../src/bindings/AutoSyncStatus";
import { actionLabel, isHubUrl, refusalNote, shortTime } from "../src/utils/sync";
import { renderRefusal } from "../src/i18n/messages";
import { deskStatus, freshPinia, makeDetail, mountApp, settle, settleErrors, waitFor, officerRights } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const me: SignedIn = {
  hub_url: "http://10.41.7.2:8740",
  username: "liming",
  role: "county_officer",
  rights: officerRights,
  jurisdiction: "410783",
  jurisdiction_name: "新乡市 · 长垣市",
  token_store: "keyring",
};

function refusal(seq: number, patch: Partial<Refusal> = {}): Refusal {
  return {
    seq,
    mutation_id: `0193-${seq}`,
    entity: "work_order",
    entity_key: "GD2026112400001",
    action: "claim",
    created_at: "2026-11-24 09:12",
    code: "claimed_by_other",
    params: {},
    message_zh: "该工单已由张伟认领。",
    message_en: "This order was claimed by 张伟.",
    refused_at: "2026-11-24 10:30",
    ...patch,
  };
}

function overview(patch: Partial<SyncOverview> = {}): SyncOverview {
  return { signed_in: null, hub_url: null, username: null, last_sync_at: null, checkpoint: 0, unsent: 0, refusals: [], upload: null, ...patch };
}

function report(patch: Partial<SyncReport> = {}): SyncReport {
  return {
    pushed: 3, already_applied: 0, refused: [], pulled_orders: 12, pulled_whitelist: 0, departed_orders: 0, pulled_permits: 0, kept_local: 0,
    checkpoint: 58, unsent: 0, refused_total: 0, uploaded_files: 0, uploaded_bytes: 0, upload_refusals: [],
    at: "2026-11-24 14:03", ...patch,
  };
}

const offline = appError("offline", "hub_offline", { url: "http://10.41.7.2:8740" });
// The hub's own words, in both languages, shown as they came.
const badPassword = appError("bad_credentials", "hub_says", { message_zh: "用户名或密码不正确。", message_en: "Wrong user name or password." });

function input(testid: string, value: string) {
  const el = document.querySelector(`[data-testid="${testid}"] input`) as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new Event("input"));
  return el;
}

function click(testid: string) {
  (document.querySelector(`[data-testid="${testid}"]`) as HTMLElement).click();
}

describe("sync store", () => {
  beforeEach(() => {
    freshPinia();
    vi.clearAllMocks();
    m.deskStatus.mockResolvedValue({ ...deskStatus });
  });

  it("reads the overview; the form starts from the previous hub and user, else the default hub", async () => {
    const store = useSyncStore();
    m.syncOverview.mockResolvedValueOnce(overview());
    await store.load();
    expect(store.defaultHubUrl).toBe(DEFAULT_HUB_URL);
    expect(store.defaultHubUrl).toBe("http://127.0.0.1:8740");
    expect(store.defaultUsername).toBe("");
    m.syncOverview.mockResolvedValueOnce(overview({ hub_url: me.hub_url, username: "liming", refusals: [refusal(1)] }));
    await store.load();
    expect(store.signedIn).toBeNull();
    expect(store.defaultHubUrl).toBe(me.hub_url);
    expect(store.defaultUsername).toBe("liming");
    expect(store.refusals).toHaveLength(1);
  });

  it("a failed load keeps the reason", async () => {
    const store = useSyncStore();
    m.syncOverview.mockRejectedValueOnce(appError("database_locked", "database_locked"));
    await expect(store.load()).rejects.toMatchObject({ code: "database_locked" });
    expect(store.error).toMatchObject({ code: "database_locked" });
    expect(store.loading).toBe(false);
  });

  it("signs in with the password passed through, then reloads the overview and the header's status", async () => {
    const store = useSyncStore();
    m.hubLogin.mockResolvedValue(me);
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, hub_url: me.hub_url, username: "liming" }));
    const who = await store.login(" http://10.41.7.2:8740 ", " liming ", "s3cret pw");
    expect(who).toEqual(me);
    expect(m.hubLogin).toHaveBeenCalledWith("http://10.41.7.2:8740", "liming", "s3cret pw");
    expect(store.signedIn).toEqual(me);
    expect(m.deskStatus).toHaveBeenCalled();
    expect(store.signingIn).toBe(false);
    expect(JSON.stringify(store.$state)).not.toContain("s3cret");
  });

  it("a failed sign-in surfaces as a DeskError and leaves the desk signed out", async () => {
    const store = useSyncStore();
    m.syncOverview.mockResolvedValue(overview());
    await store.load();
    m.hubLogin.mockRejectedValue(badPassword);
    await expect(store.login(DEFAULT_HUB_URL, "liming", "wrong")).rejects.toBeInstanceOf(api.DeskError);
    await expect(store.login(DEFAULT_HUB_URL, "liming", "wrong")).rejects.toMatchObject({ code: "bad_credentials" });
    expect(store.signedIn).toBeNull();
    expect(store.signingIn).toBe(false);
  });

  it("syncs with a busy flag, keeps the report, and reads the counts again", async () => {
    const store = useSyncStore();
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 3 }));
    await store.load();
    let finish!: (r: SyncReport) => void;
    m.syncNow.mockReturnValue(new Promise((r) => (finish = r)));
    const running = store.syncNow();
    expect(store.busy).toBe(true);
    await expect(store.syncNow()).rejects.toBeInstanceOf(api.DeskError);
    expect(m.syncNow).toHaveBeenCalledTimes(1);
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 0, last_sync_at: "2026-11-24 14:03", checkpoint: 58 }));
    const calls = m.deskStatus.mock.calls.length;
    finish(report());
    await running;
    expect(store.busy).toBe(false);
    expect(store.lastReport).toMatchObject({ pushed: 3, pulled_orders: 12 });
    expect(store.overview?.unsent).toBe(0);
    expect(m.deskStatus.mock.calls.length).toBeGreaterThan(calls);
  });

  it("a failed sync keeps its reason, and the overview is read again", async () => {
    const store = useSyncStore();
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 3 }));
    await store.load();
    m.syncNow.mockRejectedValue(offline);
    await expect(store.syncNow()).rejects.toMatchObject({ code: "offline" });
    expect(store.syncError).toMatchObject({ code: "offline" });
    expect(store.busy).toBe(false);
    expect(m.syncOverview).toHaveBeenCalledTimes(2);
    m.syncNow.mockResolvedValue(report());
    await store.syncNow();
    expect(store.syncError).toBeNull();
  });

  it("signs out and forgets the last report", async () => {
    const store = useSyncStore();
    m.syncOverview.mockResolvedValue(overview({ signed_in: me }));
    await store.load();
    m.syncNow.mockResolvedValue(report());
    await store.syncNow();
    m.syncOverview.mockResolvedValue(overview({ hub_url: me.hub_url, username: "liming", unsent: 2 }));
    await store.logout();
    expect(m.hubLogout).toHaveBeenCalled();
    expect(store.signedIn).toBeNull();
    expect(store.lastReport).toBeNull();
    expect(store.overview?.unsent).toBe(2);
  });
});

describe("sync helpers", () => {
  const t = i18n.global.t as unknown as (k: string, n?: Record<string, unknown>) => string;
  const te = (k: string) => i18n.global.te(k);

  afterEach(() => {
    i18n.global.locale.value = "zh-CN";
  });

  it("accepts http(s) addresses only", () => {
    expect(isHubUrl("http://127.0.0.1:8740")).toBe(true);
    expect(isHubUrl(" https://hub.hncx.gov.cn ")).toBe(true);
    expect(isHubUrl("127.0.0.1:8740")).toBe(false);
    expect(isHubUrl("ftp://hub")).toBe(false);
    expect(isHubUrl("http://")).toBe(false);
  });

  it("names actions by the existing labels, whitelist decisions by the whitelist's words", () => {
    i18n.global.locale.value = "zh-CN";
    expect(actionLabel("claim", t, te)).toBe("认领");
    expect(actionLabel("spot_check_fail", t, te)).toBe("抽查不通过");
    expect(actionLabel("whitelist_revoke", t, te)).toBe("撤销白名单");
    expect(actionLabel("something_new", t, te)).toBe("something_new");
    i18n.global.locale.value = "en";
    expect(actionLabel("claim", t, te)).toBe("Claim");
  });

  it("shows a time of today as HH:MM, another day in full", () => {
    expect(shortTime("2026-11-24 14:03", "2026-11-24")).toBe("14:03");
    expect(shortTime("2026-11-23T08:05:00+08:00", "2026-11-24")).toBe("2026-11-23 08:05");
  });

  it("writes a plain-text note in the UI language", () => {
    i18n.global.locale.value = "zh-CN";
    const plate = refusal(2, { entity: "whitelist", entity_key: "豫G12345", action: "whitelist_approve", code: "not_allowed", message_zh: "只有监管负责人可以审批。", message_en: "Supervisors only." });
    expect(refusalNote(plate, t, te, "zh-CN")).toBe(
      "车牌：豫G·12345\n操作：批准白名单\n记录时间：2026-11-24 09:12\n拒绝原因：只有监管负责人可以审批。 (not_allowed)\n拒绝时间：2026-11-24 10:30",
    );
    i18n.global.locale.value = "en";
    expect(refusalNote(refusal(1), t, te, "en")).toBe(
      "Order no.: GD2026112400001\nAction: Claim\nRecorded: 2026-11-24 09:12\nReason: This order was claimed by 张伟. (claimed_by_other)\nRefused: 2026-11-24 10:30",
    );
  });
});

/** A claim race lost to 张伟, as a hub that sends parameters refuses it. */
function lostRace(seq: number): Refusal {
  return refusal(seq, { params: { order_no: "GD2026112400001", holder: "张伟" } });
}

describe("refusals from the catalogue", () => {
  it("renders a known code with its parameters in each language, names looked up by parameter", () => {
    expect(renderRefusal(lostRace(1), "zh-CN")).toEqual({
      reason: "工单 GD2026112400001 已由 张伟 先行认领（对方的认领先到达上级平台）。",
      advice: "工单已由 张伟 认领。您记录的内容已转交监管负责人（待关注事项）；请放弃本条，如需补充请联系认领人。",
    });
    expect(renderRefusal(lostRace(1), "en").reason).toBe("Work order GD2026112400001 was claimed first by 张伟 (their claim reached the hub first).");
    const notAllowed = refusal(2, {
      code: "not_allowed",
      params: { order_no: "GD2026112400001", status: "submitted", role: "county_officer", action: "spot_check_pass" },
    });
    expect(renderRefusal(notAllowed, "en").reason).toBe(
      `Work order GD2026112400001 is "Awaiting spot check" on the hub, and "Pass spot check" is not open to the role "County officer" in that state.`,
    );
    expect(renderRefusal(notAllowed, "zh-CN").reason).toContain("“待抽查”，县区执法人员不能执行“抽查通过”");
  });

  it("falls back to the hub's text for an unknown code, or a refusal kept without its parameters", () => {
    const newer = refusal(3, { code: "from_a_newer_hub", params: { x: "1" }, message_zh: "新的原因", message_en: "a new reason" });
    expect(renderRefusal(newer, "zh-CN")).toEqual({ reason: "新的原因", advice: null });
    expect(renderRefusal(newer, "en")).toEqual({ reason: "a new reason", advice: null });
    expect(renderRefusal({ ...newer, message_en: "" }, "en").reason).toBe("新的原因");
    expect(renderRefusal(refusal(4), "en")).toEqual({ reason: "This order was claimed by 张伟.", advice: null });
  });
});

describe("sync page", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.deskStatus.mockResolvedValue({ ...deskStatus });
  });
  afterEach(() => {
    document.body.innerHTML = "";
    i18n.global.locale.value = "zh-CN";
  });

  it("signed out: the form starts from the previous hub and user and validates as the user types", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ hub_url: me.hub_url, username: "liming", unsent: 3 }));
    const w = mountApp(SyncView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="sync-summary"]')).toBeNull();
    expect((document.querySelector('[data-testid="sync-hub-url"] input') as HTMLInputElement).value).toBe(me.hub_url);
    expect((document.querySelector('[data-testid="sync-username"] input') as HTMLInputElement).value).toBe("liming");
    const pw = document.querySelector('[data-testid="sync-password"] input') as HTMLInputElement;
    expect(pw.type).toBe("password");
    expect(pw.value).toBe("");
    expect(document.querySelector('[data-testid="sync-waiting"]')!.textContent).toContain("本机有 3 条未发送的办理记录");

    input("sync-hub-url", "10.41.7.2:8740");
    await settleErrors();
    const form = () => document.querySelector('[data-testid="sync-form"]')!.textContent!;
    expect(form()).toContain("地址应以 http:// 或 https:// 开头");
    input("sync-hub-url", "http://10.41.7.2:8740");
    input("sync-username", "");
    await settleErrors();
    expect(form()).not.toContain("地址应以");
    expect(form()).toContain("请填写用户名");

    click("sync-signin-submit");
    await settleErrors();
    expect(form()).toContain("请填写密码");
    expect(m.hubLogin).not.toHaveBeenCalled();
    expect(document.querySelector('[data-testid="refusals-empty"]')!.textContent).toContain("没有被拒绝的操作");
    w.unmount();
  });

  it("Enter signs in; a wrong password is said next to the form and the password is cleared", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview());
    const w = mountApp(SyncView, pinia);
    await settle();
    expect((document.querySelector('[data-testid="sync-hub-url"] input') as HTMLInputElement).value).toBe("http://127.0.0.1:8740");
    input("sync-username", "liming");
    const pw = input("sync-password", "wrong");
    m.hubLogin.mockRejectedValue(badPassword);
    await settle(1);
    pw.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle(10);
    expect(m.hubLogin).toHaveBeenCalledWith("http://127.0.0.1:8740", "liming", "wrong");
    const err = document.querySelector('[data-testid="sync-login-error"]')!;
    expect(err.textContent).toContain("用户名或密码不正确。");
    expect(err.textContent).toContain("请检查用户名和密码后重试。");
    expect(pw.value).toBe("");
    w.unmount();
  });

  it("offline at sign-in is said calmly: the desk keeps working and the queue is kept (in English too)", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ unsent: 2 }));
    const w = mountApp(SyncView, pinia);
    await settle();
    input("sync-username", "liming");
    input("sync-password", "pw");
    m.hubLogin.mockRejectedValue(offline);
    await settle(1);
    click("sync-signin-submit");
    await settle(10);
    const err = document.querySelector('[data-testid="sync-login-error"]')!;
    expect(err.querySelector(".el-alert")!.classList.contains("el-alert--info")).toBe(true);
    expect(err.textContent).toContain("无法连接服务器 http://10.41.7.2:8740");
    expect(err.textContent).toContain("工作台可以继续离线办理，未发送的记录保留在本机");
    i18n.global.locale.value = "en";
    await settle();
    expect(err.textContent).toContain("Cannot reach the hub http://10.41.7.2:8740");
    expect(err.textContent).toContain("You can keep working offline");
    expect(err.textContent).not.toMatch(/[\u4e00-\u9fa5]/);
    w.unmount();
  });

  it("signs in and shows the summary; no password is left in the page", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview());
    const w = mountApp(SyncView, pinia);
    await settle();
    input("sync-username", "liming");
    input("sync-password", "s3cret");
    m.hubLogin.mockResolvedValue(me);
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, hub_url: me.hub_url, username: "liming", unsent: 3, checkpoint: 0 }));
    await settle(1);
    click("sync-signin-submit");
    await settle(10);
    const summary = document.querySelector('[data-testid="sync-summary"]')!.textContent!;
    expect(summary).toContain("http://10.41.7.2:8740");
    expect(summary).toContain("liming");
    expect(summary).toContain("县区执法人员");
    expect(summary).toContain("新乡市 · 长垣市（410783）");
    expect(summary).toContain("系统凭据管理器");
    expect(summary).toContain("从未同步");
    expect(summary).toContain("3 条未发送");
    expect(summary).toContain("尚未接收");
    expect(document.body.textContent).toContain("已登录 http://10.41.7.2:8740（liming，县区执法人员）");
    expect(document.body.innerHTML).not.toContain("s3cret");
    w.unmount();
  });

  it("says how the automatic sync stands: its rhythm, or why it retries and when", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 1 }));
    const w = mountApp(SyncView, pinia);
    await settle();
    const auto = () => document.querySelector('[data-testid="sync-auto"]')!.textContent!.trim();
    expect(auto()).toContain("每分钟");
    useSyncStore().auto = { state: "retrying", failures: 3, next_attempt_secs: 18, last_error: offline, last_report: null };
    await settle();
    expect(auto()).toContain("第 3 次未能同步，18 秒后重试");
    expect(auto()).toContain("http://10.41.7.2:8740");
    useSyncStore().auto = { state: "sign_in_required", failures: 0, next_attempt_secs: null, last_error: null, last_report: null };
    await settle();
    expect(auto()).toContain("请重新登录");
    w.unmount();
  });

  it("立即同步 is busy while it runs, then says what happened", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 3, last_sync_at: "2026-11-23 17:40", checkpoint: 41 }));
    const w = mountApp(SyncView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="sync-last"]')!.textContent).toContain("2026-11-23 17:40");
    expect(document.querySelector('[data-testid="sync-summary"]')!.textContent).toContain("已接收至第 41 号变更");
    let finish!: (r: SyncReport) => void;
    m.syncNow.mockReturnValue(new Promise((r) => (finish = r)));
    click("sync-now");
    await settle();
    const button = document.querySelector('[data-testid="sync-now"]') as HTMLButtonElement;
    expect(button.textContent).toContain("正在同步");
    expect(button.classList.contains("is-loading")).toBe(true);
    const refused = refusal(7);
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 0, last_sync_at: "2026-11-24 14:03", checkpoint: 58, refusals: [refused] }));
    finish(report({ pushed: 2, refused: [refused], pulled_whitelist: 1, departed_orders: 2, kept_local: 1 }));
    await settle(10);
    expect(button.textContent).toContain("立即同步");
    expect(document.querySelector('[data-testid="sync-result"]')!.textContent).toBe(
      "14:03 同步完成：发送 2 条 · 已接收 12 张工单 · 已接收 1 条白名单记录 · 2 张工单已改派至其他辖区，已从本机移除 · 1 张工单有未发送的办理，保留本机内容 · 被拒绝 1 条",
    );
    expect(document.querySelector('[data-testid="sync-unsent"]')!.textContent).toContain("全部已发送");
    expect(document.querySelectorAll('[data-testid="refusal-row"]')).toHaveLength(1);
    w.unmount();
  });

  it("while the sync sends evidence, the file's bytes and speed are shown; the result counts the files", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 3 }));
    const w = mountApp(SyncView, pinia);
    await settle();
    let finish!: (r: SyncReport) => void;
    m.syncNow.mockReturnValue(new Promise((r) => (finish = r)));
    m.syncProgress.mockResolvedValue({
      order_no: "GD2026112400001", file_name: "现场照片.png", sent: 1048576, total: 3145728, bytes_per_second: 524288, done: false,
    });
    click("sync-now");
    const line = await waitFor('[data-testid="sync-upload"]');
    expect(line.textContent).toContain("正在上传证据 现场照片.png（工单 GD2026112400001）：1.0 MB / 3.0 MB，512.0 KB/秒");
    expect(line.querySelector(".el-progress")!.getAttribute("aria-valuenow")).toBe("33");
    finish(report({ pushed: 3, uploaded_files: 1, uploaded_bytes: 3145728 }));
    await settle(10);
    expect(document.querySelector('[data-testid="sync-upload"]')).toBeNull();
    expect(document.querySelector('[data-testid="sync-result"]')!.textContent).toContain("已上传证据 1 个（3.0 MB）");
    expect(document.querySelector('[data-testid="upload-refusals"]')).toBeNull();
    w.unmount();
  });

  it("evidence the hub refused is listed with the file, the order and the hub's reason", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ signed_in: me }));
    const w = mountApp(SyncView, pinia);
    await settle();
    const refusedFile = {
      order_no: "GD2026112400001",
      file_name: "现场照片.png",
      hash: "ab".repeat(32),
      error: appError("hub_refused", "hub_says", { message_zh: "文件大小超过上限", message_en: "the file is over the limit" }),
    };
    m.syncNow.mockResolvedValue(report({ pushed: 1, upload_refusals: [refusedFile] }));
    click("sync-now");
    const box = await waitFor('[data-testid="upload-refusals"]');
    expect(box.textContent).toContain("现场照片.png（工单 GD2026112400001）：文件大小超过上限");
    expect(document.querySelector('[data-testid="sync-result"]')!.textContent).toContain("1 个证据文件未能上传");
    w.unmount();
  });

  it("a sync that cannot reach the hub says so calmly, next to the button", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, unsent: 3 }));
    const w = mountApp(SyncView, pinia);
    await settle();
    m.syncNow.mockRejectedValue(offline);
    click("sync-now");
    await settle(10);
    const err = document.querySelector('[data-testid="sync-error"]')!;
    expect(err.textContent).toContain("同步未完成：无法连接服务器");
    expect(err.textContent).toContain("未发送的记录保留在本机");
    w.unmount();
  });

  it("a session the hub ended turns the page to the sign-in form, which says why", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, hub_url: me.hub_url, username: "liming" }));
    const w = mountApp(SyncView, pinia);
    await settle();
    m.syncNow.mockRejectedValue(appError("sign_in_required", "session_ended"));
    m.syncOverview.mockResolvedValue(overview({ hub_url: me.hub_url, username: "liming" }));
    click("sync-now");
    await settle(10);
    expect(document.querySelector('[data-testid="sync-summary"]')).toBeNull();
    expect(document.querySelector('[data-testid="sync-login-error"]')!.textContent).toContain("与服务器的登录已失效，请重新登录");
    expect((document.querySelector('[data-testid="sync-hub-url"] input') as HTMLInputElement).value).toBe(me.hub_url);
    w.unmount();
  });

  it("lists every refusal with the localized action and reason, and copies a plain-text note", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const plate = refusal(2, {
      entity: "whitelist", entity_key: "豫G12345", action: "whitelist_approve", code: "not_allowed",
      message_zh: "只有监管负责人可以审批白名单。", message_en: "Only a supervisor approves whitelist entries.",
    });
    m.syncOverview.mockResolvedValue(overview({ refusals: [refusal(1), plate] }));
    const w = mountApp(SyncView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="sync-refusals-count"]')!.textContent).toContain("共 2 条");
    const heads = [...document.querySelectorAll('[data-testid="refusal-table"] th')].map((th) => th.textContent!.trim());
    expect(heads).toEqual(["工单号/车牌", "操作", "记录时间", "拒绝原因与处理办法", "拒绝时间", "处理"]);
    const rows = [...document.querySelectorAll('[data-testid="refusal-row"]')];
    expect(rows).toHaveLength(2);
    const cells = (r: Element) => [...r.querySelectorAll("td")].map((td) => td.textContent!.trim());
    expect(cells(rows[0]).slice(0, 5)).toEqual(["GD2026112400001", "认领", "2026-11-24 09:12", "该工单已由张伟认领。 claimed_by_other", "2026-11-24 10:30"]);
    expect(cells(rows[1]).slice(0, 2)).toEqual(["豫G·12345", "批准白名单"]);
    expect(rows[1].querySelector(".option-code")!.textContent).toBe("not_allowed");
    const copy = rows[1].querySelector('[data-testid="refusal-copy"]') as HTMLElement;
    expect(copy.getAttribute("aria-label")).toBe("复制 豫G·12345 的拒绝说明");
    copy.click();
    await settle();
    expect(writeText).toHaveBeenCalledWith(
      "车牌：豫G·12345\n操作：批准白名单\n记录时间：2026-11-24 09:12\n拒绝原因：只有监管负责人可以审批白名单。 (not_allowed)\n拒绝时间：2026-11-24 10:30",
    );
    expect(document.body.textContent).toContain("已复制 豫G·12345 的拒绝说明。");

    i18n.global.locale.value = "en";
    await settle();
    expect(cells(rows[0]).slice(1, 4)).toEqual(["Claim", "2026-11-24 09:12", "This order was claimed by 张伟. claimed_by_other"]);
    w.unmount();
  });

  it("shows the catalogue's reason and what to do, in the window's language, and copies both", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    m.syncOverview.mockResolvedValue(overview({ refusals: [lostRace(1)] }));
    const w = mountApp(SyncView, pinia);
    await settle();
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)!.textContent!.trim();
    expect(text("refusal-reason")).toBe("工单 GD2026112400001 已由 张伟 先行认领（对方的认领先到达上级平台）。");
    expect(text("refusal-advice")).toBe("处理办法：工单已由 张伟 认领。您记录的内容已转交监管负责人（待关注事项）；请放弃本条，如需补充请联系认领人。");
    expect(text("sync-refusals-count")).toContain("共 1 条");
    (document.querySelector('[data-testid="refusal-copy"]') as HTMLElement).click();
    await settle();
    expect(writeText).toHaveBeenCalledWith(
      "工单号：GD2026112400001\n操作：认领\n记录时间：2026-11-24 09:12\n拒绝原因：工单 GD2026112400001 已由 张伟 先行认领（对方的认领先到达上级平台）。 (claimed_by_other)\n处理办法：工单已由 张伟 认领。您记录的内容已转交监管负责人（待关注事项）；请放弃本条，如需补充请联系认领人。\n拒绝时间：2026-11-24 10:30",
    );

    i18n.global.locale.value = "en";
    await settle();
    expect(text("refusal-reason")).toBe("Work order GD2026112400001 was claimed first by 张伟 (their claim reached the hub first).");
    expect(text("refusal-advice")).toBe(
      "What to do: The order is claimed by 张伟. What you recorded has gone to the supervisors (attention list); dismiss this entry, and contact the claimant if you have more to add.",
    );
    (document.querySelector('[data-testid="refusal-copy"]') as HTMLElement).click();
    await settle();
    expect(writeText).toHaveBeenLastCalledWith(expect.stringContaining("\nWhat to do: The order is claimed by 张伟."));
    w.unmount();
  });

  it("a refusal whose code the desk does not know shows the hub's text and no advice", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const newer = refusal(5, { code: "from_a_newer_hub", params: { x: "1" }, message_zh: "新的原因", message_en: "a new reason" });
    m.syncOverview.mockResolvedValue(overview({ refusals: [newer] }));
    const w = mountApp(SyncView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="refusal-reason"]')!.textContent).toBe("新的原因");
    expect(document.querySelector('[data-testid="refusal-advice"]')).toBeNull();
    i18n.global.locale.value = "en";
    await settle();
    expect(document.querySelector('[data-testid="refusal-reason"]')!.textContent).toBe("a new reason");
    w.unmount();
  });

  it("重做 for order actions and 放弃 after a confirmation, each reading the list again", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const plate = refusal(2, { entity: "whitelist", entity_key: "豫G12345", action: "whitelist_approve", code: "not_allowed" });
    m.syncOverview.mockResolvedValue(overview({ refusals: [refusal(1), plate] }));
    const w = mountApp(SyncView, pinia);
    await settle();
    const rows = () => [...document.querySelectorAll('[data-testid="refusal-row"]')];
    // A whitelist decision is made again on its own page: no 重做 on its row.
    expect(rows()[0].querySelector('[data-testid="refusal-redo"]')).not.toBeNull();
    expect(rows()[1].querySelector('[data-testid="refusal-redo"]')).toBeNull();

    // Refused again by the rules: the reason is said and the row stays.
    m.redoRefusal.mockRejectedValueOnce(appError("refused_transition", "hub_says", { message_zh: "该工单已由张伟认领。", message_en: "Claimed by 张伟." }));
    (rows()[0].querySelector('[data-testid="refusal-redo"]') as HTMLElement).click();
    await settle();
    expect(m.redoRefusal).toHaveBeenCalledWith(1);
    expect(document.body.textContent).toContain("该工单已由张伟认领。");
    m.redoRefusal.mockResolvedValueOnce(makeDetail(1, {}, { status: "claimed" }));
    m.syncOverview.mockResolvedValue(overview({ refusals: [plate] }));
    (rows()[0].querySelector('[data-testid="refusal-redo"]') as HTMLElement).click();
    await settle(5);
    expect(document.body.textContent).toContain("已重做 GD2026112400001 的认领，工单现为已认领");
    expect(rows()).toHaveLength(1);

    // 放弃 asks first; cancelling changes nothing.
    (rows()[0].querySelector('[data-testid="refusal-dismiss"]') as HTMLElement).click();
    await settle();
    expect(document.querySelector('[data-testid="dismiss-confirm"]')!.textContent).toContain("本机保留这条记录");
    click("dismiss-cancel");
    await settle();
    expect(m.dismissRefusal).not.toHaveBeenCalled();
    (rows()[0].querySelector('[data-testid="refusal-dismiss"]') as HTMLElement).click();
    await settle();
    m.syncOverview.mockResolvedValue(overview({ refusals: [] }));
    click("dismiss-ok");
    await settle(5);
    expect(m.dismissRefusal).toHaveBeenCalledWith(2);
    expect(document.querySelector('[data-testid="refusals-empty"]')).not.toBeNull();
    w.unmount();
  });

  it("退出登录 asks first, saying the unsent queue stays on this computer", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, hub_url: me.hub_url, username: "liming", unsent: 3 }));
    const w = mountApp(SyncView, pinia);
    await settle();
    click("sync-logout");
    const text = await waitFor('[data-testid="logout-confirm"]');
    expect(text.textContent).toContain("本机 3 条未发送的记录保留在这台电脑上");
    click("logout-cancel");
    await settle();
    expect(m.hubLogout).not.toHaveBeenCalled();
    click("sync-logout");
    await settle();
    m.syncOverview.mockResolvedValue(overview({ hub_url: me.hub_url, username: "liming", unsent: 3 }));
    click("logout-ok");
    await settle(10);
    expect(m.hubLogout).toHaveBeenCalledTimes(1);
    expect(document.querySelector('[data-testid="sync-signin"]')).toBeTruthy();
    expect((document.querySelector('[data-testid="sync-username"] input') as HTMLInputElement).value).toBe("liming");
    expect(document.body.textContent).toContain("已退出登录。未发送的记录仍保存在本机。");
    w.unmount();
  });

  it("a failed overview says why and offers 重试", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockRejectedValue(appError("database_locked", "database_locked"));
    const w = mountApp(SyncView, pinia);
    await settle();
    const err = document.querySelector('[data-testid="sync-load-error"]')!;
    expect(err.textContent).toContain("同步状态读取失败：本地缓存正被另一个 CaseDesk 程序使用");
    m.syncOverview.mockResolvedValue(overview());
    (err.querySelector("button") as HTMLElement).click();
    await settle();
    expect(document.querySelector('[data-testid="sync-load-error"]')).toBeNull();
    expect(document.querySelector('[data-testid="sync-signin"]')).toBeTruthy();
    w.unmount();
  });
});

describe("header sync tag", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("offline shows the unsent count; signed in shows the last sync time and refused actions", async () => {
    const pinia = freshPinia();
    const desk = useDeskStore();
    desk.status = { ...deskStatus, unsent: 3 };
    const w = mountApp(AppHeader, pinia);
    await settle();
    const tag = () => document.querySelector('[data-testid="sync-state"]')!.textContent!.replace(/\s+/g, " ").trim();
    expect(tag()).toBe("离线工作 · 3 条未发送");
    const store = useSyncStore();
    store.overview = overview({ signed_in: me, last_sync_at: "2026-11-24 14:03", refusals: [refusal(1)] });
    desk.status = { ...deskStatus, unsent: 0 };
    await settle();
    expect(tag()).toBe("已登录 · 上次同步 14:03 · 1 条被拒绝");
    store.overview = overview({ signed_in: me });
    desk.status = { ...deskStatus, unsent: 2 };
    await settle();
    expect(tag()).toBe("已登录 · 从未同步 · 2 条未发送");
    (document.querySelector('[data-testid="sync-state"]') as HTMLElement).click();
    expect(w.emitted("show-sync")).toHaveLength(1);
    w.unmount();
  });

  it("follows the background sync: retrying in amber with the wait, sign in again, and back to normal", async () => {
    const pinia = freshPinia();
    const desk = useDeskStore();
    desk.status = { ...deskStatus, unsent: 2 };
    const w = mountApp(AppHeader, pinia);
    const store = useSyncStore();
    store.overview = overview({ signed_in: me, last_sync_at: "2026-11-24 14:03" });
    // Each attempt reads the overview and the header's counts again.
    m.syncOverview.mockResolvedValue(overview({ signed_in: me, last_sync_at: "2026-11-24 14:03" }));
    m.deskStatus.mockResolvedValue({ ...deskStatus, unsent: 2 });
    let emit: ((s: AutoSyncStatus) => void) | null = null;
    m.onSyncStatus.mockImplementation(async (h) => {
      emit = h;
      return () => undefined;
    });
    await store.follow();
    await settle();
    const el = () => document.querySelector('[data-testid="sync-state"]') as HTMLElement;
    const tag = () => el().textContent!.replace(/\s+/g, " ").trim();
    expect(tag()).toBe("已登录 · 上次同步 14:03 · 2 条未发送");
    emit!({ state: "retrying", failures: 2, next_attempt_secs: 9, last_error: offline, last_report: null });
    await settle();
    expect(tag()).toBe("未能同步 · 9 秒后重试 · 2 条未发送");
    expect(el().classList.contains("has-trouble")).toBe(true);
    emit!({ state: "sign_in_required", failures: 0, next_attempt_secs: null, last_error: null, last_report: null });
    await settle();
    expect(tag()).toBe("需要重新登录");
    // A good sync that pulled rows: the counts are read again and the inbox is told to reload.
    const before = store.changedRows;
    const calls = m.syncOverview.mock.calls.length;
    emit!({ state: "synced", failures: 0, next_attempt_secs: 60, last_error: null, last_report: report({ pushed: 2 }) });
    await settle();
    expect(store.changedRows).toBe(before + 1);
    expect(m.syncOverview.mock.calls.length).toBeGreaterThan(calls);
    expect(el().classList.contains("has-trouble")).toBe(false);
    // Nothing moved: no reload of the list.
    emit!({ state: "synced", failures: 0, next_attempt_secs: 60, last_error: null, last_report: report({ pushed: 0, pulled_orders: 0 }) });
    await settle();
    expect(store.changedRows).toBe(before + 1);
    w.unmount();
  });
});
