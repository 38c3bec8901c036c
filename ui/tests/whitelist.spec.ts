import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { useWhitelistStore, decisionsFor, isPlate, normalizePlate } from "../src/stores/whitelist";
import { useDeskStore } from "../src/stores/desk";
import WhitelistView from "../src/views/WhitelistView.vue";
import { deskStatus, freshPinia, makeWhitelistRow, mountApp, settle, settleErrors, waitFor, supervisorStatus } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const approved = makeWhitelistRow(1, { plate: "豫G11111", kind: "enterprise_self_use", status: "approved", decided_by: "王主任", decision_reason: "核实为企业班车" }, { created_at: "2026-11-01 09:00", in_force: true });
const proposedOld = makeWhitelistRow(2, { plate: "豫G22222" }, { created_at: "2026-11-10 09:00" });
const declined = makeWhitelistRow(3, { plate: "豫G33333", status: "declined" }, { created_at: "2026-11-20 09:00" });
const proposedNew = makeWhitelistRow(4, { plate: "豫G44444" }, { created_at: "2026-11-21 09:00" });

describe("whitelist store", () => {
  beforeEach(() => {
    freshPinia();
    vi.clearAllMocks();
    m.deskStatus.mockResolvedValue({ ...supervisorStatus });
  });

  it("offers approve/decline on a proposal, revoke on an approved entry, nothing on the rest", () => {
    expect(decisionsFor(proposedOld)).toEqual(["approve", "decline"]);
    expect(decisionsFor(approved)).toEqual(["revoke"]);
    expect(decisionsFor(declined)).toEqual([]);
  });

  it("reads plates as the backend does", () => {
    expect(normalizePlate(" 豫g·123 45 ")).toBe("豫G12345");
    expect(isPlate("豫G12345")).toBe(true);
    expect(isPlate("豫AD12345")).toBe(true);
    expect(isPlate("豫G1234挂")).toBe(true);
    expect(isPlate("豫G1234")).toBe(false);
    expect(isPlate("豫GI2345")).toBe(false);
    expect(isPlate("京A12345")).toBe(false);
  });

  it("loads by status; only a supervisor may decide", async () => {
    const store = useWhitelistStore();
    // In the backend's order (proposals first: the store's query, tested in Rust).
    m.listWhitelist.mockResolvedValue([proposedOld, approved]);
    await store.load();
    expect(m.listWhitelist).toHaveBeenLastCalledWith(null, null);
    expect(store.rows.map((r) => r.id)).toEqual([2, 1]);
    expect(store.proposed).toBe(1);
    m.listWhitelist.mockResolvedValue([proposedOld]);
    await store.setStatus("proposed");
    expect(m.listWhitelist).toHaveBeenLastCalledWith("proposed", null);
    const desk = useDeskStore();
    desk.status = { ...deskStatus };
    expect(store.canDecide).toBe(false);
    desk.status = { ...supervisorStatus };
    expect(store.canDecide).toBe(true);
  });

  it("a decision replaces the entry, or drops it when it leaves the status shown", async () => {
    const store = useWhitelistStore();
    m.listWhitelist.mockResolvedValue([proposedOld, proposedNew]);
    await store.setStatus("proposed");
    const nowApproved = makeWhitelistRow(2, { plate: "豫G22222", status: "approved", decided_by: "王主任", decision_reason: "核实无违法记录" });
    m.approveWhitelist.mockResolvedValue(nowApproved);
    m.listWhitelist.mockClear();
    m.listWhitelist.mockResolvedValue([proposedNew]);
    await store.decide("approve", "豫G22222", "核实无违法记录");
    expect(m.approveWhitelist).toHaveBeenCalledWith("豫G22222", "核实无违法记录");
    expect(store.rows.map((r) => r.id)).toEqual([4]);
    expect(m.deskStatus).toHaveBeenCalled();
    // The list is read again, for the backend's order.
    expect(m.listWhitelist).toHaveBeenCalledWith("proposed", null);
    await settle();
    expect(store.rows.map((r) => r.id)).toEqual([4]);
    await store.setStatus(null);
    m.listWhitelist.mockResolvedValue([proposedNew, nowApproved]);
    await store.load();
    const declinedNow = makeWhitelistRow(4, { plate: "豫G44444", status: "declined" });
    m.declineWhitelist.mockResolvedValue(declinedNow);
    m.listWhitelist.mockResolvedValue([nowApproved, declinedNow]);
    await store.decide("decline", "豫G44444", "有违法记录");
    expect(store.rows.find((r) => r.id === 4)?.entry.status).toBe("declined");
    m.revokeWhitelist.mockResolvedValue(makeWhitelistRow(2, { status: "revoked" }));
    m.listWhitelist.mockResolvedValue([declinedNow, makeWhitelistRow(2, { status: "revoked" })]);
    await store.decide("revoke", "豫G22222", "企业已停业");
    expect(m.revokeWhitelist).toHaveBeenCalledWith("豫G22222", "企业已停业");
    expect(store.busy).toBeNull();
  });

  it("an addition is normalised and put at the top; a refusal surfaces as a DeskError", async () => {
    const store = useWhitelistStore();
    m.listWhitelist.mockResolvedValue([approved]);
    await store.load();
    const added = makeWhitelistRow(9, { plate: "豫G55555", kind: "large_event_rental", status: "approved", event_name: "2026 新乡马拉松" });
    m.addWhitelist.mockResolvedValue(added);
    await store.add({
      plate: "豫g·55555", kind: "large_event_rental", reason: "赛事保障用车", eventName: "2026 新乡马拉松",
      validFrom: "2026-12-01", validUntil: "2026-12-03",
    });
    expect(m.addWhitelist).toHaveBeenCalledWith("豫G55555", "large_event_rental", "赛事保障用车", "2026 新乡马拉松", "2026-12-01", "2026-12-03");
    expect(store.rows[0].id).toBe(9);
    m.addWhitelist.mockRejectedValue(appError("refused_transition", "whitelist_not_supervisor"));
    await expect(store.add({ plate: "豫G66666", kind: "enterprise_self_use", reason: "x", eventName: null, validFrom: null, validUntil: null }))
      .rejects.toMatchObject({ code: "refused_transition" });
  });

  it("a failed load keeps the reason for the page", async () => {
    const store = useWhitelistStore();
    m.listWhitelist.mockRejectedValue(appError("database_locked", "database_locked"));
    await expect(store.load()).rejects.toMatchObject({ code: "database_locked" });
    expect(store.error).toMatchObject({ code: "database_locked" });
    expect(store.loading).toBe(false);
  });
});

describe("whitelist page", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("an officer sees the entries read-only", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listWhitelist.mockResolvedValue([proposedOld, approved]);
    const w = mountApp(WhitelistView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="whitelist-read-only"]')!.textContent).toContain("只能查看");
    const rows = [...document.querySelectorAll('[data-testid="whitelist-row"]')];
    expect(rows.map((r) => r.getAttribute("data-plate"))).toEqual(["豫G22222", "豫G11111"]);
    expect(rows[1].textContent).toContain("企业自用车辆");
    expect(rows[1].textContent).toContain("生效中");
    expect(rows[1].textContent).toContain("王主任：核实为企业班车");
    expect(document.querySelector('[data-testid="wl-approve"]')).toBeNull();
    expect(document.querySelector('[data-testid="wl-add"]')).toBeNull();
    expect(document.querySelector('[data-testid="whitelist-count"]')!.textContent).toContain("共 2 条");
    w.unmount();
  });

  it("a supervisor approves a proposal with a reason, after confirming", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...supervisorStatus };
    m.listWhitelist.mockResolvedValue([proposedOld, approved]);
    m.deskStatus.mockResolvedValue({ ...supervisorStatus });
    const w = mountApp(WhitelistView, pinia);
    await settle();
    (document.querySelector('[data-testid="whitelist-row"] [data-testid="wl-approve"]') as HTMLElement).click();
    expect((await waitFor('[data-testid="decision-form"]')).textContent).toContain("确认批准车辆 豫G·22222 列入白名单");
    (document.querySelector('[data-testid="decision-ok"]') as HTMLElement).click();
    await settleErrors();
    expect(document.body.textContent).toContain("请填写原因");
    expect(m.approveWhitelist).not.toHaveBeenCalled();
    const input = document.querySelector('[data-testid="decision-reason"] textarea') as HTMLTextAreaElement;
    input.value = "核实无违法记录";
    input.dispatchEvent(new Event("input"));
    m.approveWhitelist.mockResolvedValue(makeWhitelistRow(2, { plate: "豫G22222", status: "approved", decided_by: "王主任", decision_reason: "核实无违法记录" }));
    await settle(1);
    (document.querySelector('[data-testid="decision-ok"]') as HTMLElement).click();
    await settle(10);
    expect(m.approveWhitelist).toHaveBeenCalledWith("豫G22222", "核实无违法记录");
    expect(document.body.textContent).toContain("已批准 豫G·22222 列入白名单");
    const row = document.querySelector('[data-testid="whitelist-row"][data-plate="豫G22222"]')!;
    expect(row.getAttribute("data-status")).toBe("approved");
    w.unmount();
  });

  it("the add dialog requires the event's name and dates for an event rental", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...supervisorStatus };
    m.listWhitelist.mockResolvedValue([]);
    const w = mountApp(WhitelistView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="whitelist-empty"]')!.textContent).toContain("没有白名单记录");
    (document.querySelector('[data-testid="wl-add"]') as HTMLElement).click();
    (await waitFor('[data-testid="wl-add-kind-large_event_rental"] input')).click();
    await settle();
    const plate = document.querySelector('[data-testid="wl-add-plate"] input') as HTMLInputElement;
    plate.value = "豫G1234";
    plate.dispatchEvent(new Event("input"));
    plate.dispatchEvent(new Event("blur"));
    (document.querySelector('[data-testid="wl-add-submit"]') as HTMLElement).click();
    await settleErrors();
    const text = document.querySelector('[data-testid="wl-add-form"]')!.textContent!;
    expect(text).toContain("车牌格式不正确");
    expect(text).toContain("请填写活动名称");
    expect(text).toContain("请选择开始日期");
    expect(text).toContain("请选择结束日期");
    expect(text).toContain("请填写原因");
    expect(m.addWhitelist).not.toHaveBeenCalled();
    w.unmount();
  });

  it("导出Excel asks where to save and writes the status shown; a cancelled dialog writes nothing", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listWhitelist.mockResolvedValue([proposedOld, approved]);
    const w = mountApp(WhitelistView, pinia);
    await settle();
    const button = document.querySelector('[data-testid="whitelist-export"]') as HTMLElement;
    expect(button.textContent).toContain("导出Excel");
    button.click();
    await settle();
    expect(m.pickExportPath).toHaveBeenCalledWith(expect.stringMatching(/^白名单导出-\d{8}-\d{4}\.xlsx$/), "Excel 工作簿");
    expect(m.exportWhitelist).not.toHaveBeenCalled();
    m.pickExportPath.mockResolvedValueOnce("/tmp/白名单.xlsx");
    m.exportWhitelist.mockResolvedValueOnce({ rows: 1, path: "/tmp/白名单.xlsx", millis: 12 });
    (document.querySelector('[data-testid="whitelist-status-proposed"]') as HTMLElement).click();
    await settle();
    button.click();
    await settle();
    expect(m.exportWhitelist).toHaveBeenCalledWith("proposed", null, "/tmp/白名单.xlsx");
    expect(document.body.textContent).toContain("已导出 1 条白名单记录到 /tmp/白名单.xlsx。");
    w.unmount();
  });

  it("finds a plate as it is typed; the empty result names the plate; the export keeps it", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listWhitelist.mockResolvedValue([proposedOld, approved]);
    const w = mountApp(WhitelistView, pinia);
    await settle();
    m.listWhitelist.mockResolvedValue([]);
    const input = document.querySelector('input[data-testid="whitelist-plate"]') as HTMLInputElement;
    input.value = "g·999";
    input.dispatchEvent(new Event("input"));
    await settle();
    expect(m.listWhitelist).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(350);
    await settle();
    expect(m.listWhitelist).toHaveBeenLastCalledWith(null, "g·999");
    expect(document.querySelector('[data-testid="whitelist-empty"]')!.textContent).toContain("没有车牌含“g·999”的白名单记录");
    // Enter searches at once.
    m.listWhitelist.mockResolvedValue([proposedOld]);
    input.value = "g·222";
    input.dispatchEvent(new Event("input"));
    input.dispatchEvent(new KeyboardEvent("keyup", { key: "Enter" }));
    await settle();
    expect(m.listWhitelist).toHaveBeenLastCalledWith(null, "g·222");
    expect(document.querySelectorAll('[data-testid="whitelist-row"]')).toHaveLength(1);
    m.pickExportPath.mockResolvedValueOnce("/tmp/w.xlsx");
    m.exportWhitelist.mockResolvedValueOnce({ rows: 1, path: "/tmp/w.xlsx", millis: 3 });
    (document.querySelector('[data-testid="whitelist-export"]') as HTMLElement).click();
    await settle();
    expect(m.exportWhitelist).toHaveBeenCalledWith(null, "g·222", "/tmp/w.xlsx");
    vi.useRealTimers();
    w.unmount();
  });

  it("打印 prints the rows shown, worded as on the page, and the sheet goes after printing", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listWhitelist.mockResolvedValue([proposedOld, approved]);
    const print = vi.spyOn(window, "print").mockImplementation(() => undefined);
    const w = mountApp(WhitelistView, pinia);
    await settle();
    (document.querySelector('[data-testid="whitelist-print"]') as HTMLElement).click();
    await settle();
    expect(print).toHaveBeenCalledTimes(1);
    const sheet = document.querySelector('body > [data-testid="print-sheet"]')!;
    expect(sheet.querySelector("h1")!.textContent).toBe("白名单");
    expect(sheet.querySelector('[data-testid="print-filter"]')!.textContent).toBe("全部状态");
    expect([...sheet.querySelectorAll("th")].map((th) => th.textContent)).not.toContain("操作");
    const rows = [...sheet.querySelectorAll('[data-testid="print-row"]')].map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows.map((r) => r[0])).toEqual(["豫G·22222", "豫G·11111"]);
    expect(rows[1][2]).toBe("已批准 · 生效中");
    expect(rows[1][5]).toBe("王主任：核实为企业班车");
    window.dispatchEvent(new Event("afterprint"));
    await settle();
    expect(document.querySelector('[data-testid="print-sheet"]')).toBeNull();
    print.mockRestore();
    w.unmount();
  });

  it("a failed load says why and offers 重试", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listWhitelist.mockRejectedValue(appError("database_locked", "database_locked"));
    const w = mountApp(WhitelistView, pinia);
    await settle();
    const err = document.querySelector('[data-testid="whitelist-error"]')!;
    expect(err.textContent).toContain("白名单读取失败：本地缓存正被另一个 CaseDesk 程序使用，请关闭它后重试。");
    m.listWhitelist.mockResolvedValue([approved]);
    (err.querySelector("button") as HTMLElement).click();
    await settle();
    expect(document.querySelectorAll('[data-testid="whitelist-row"]')).toHaveLength(1);
    w.unmount();
  });
});
