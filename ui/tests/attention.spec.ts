import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { useDeskStore } from "../src/stores/desk";
import SyncView from "../src/views/SyncView.vue";
import { i18n } from "../src/i18n";
import type { Attention } from "../src/bindings/Attention";
import type { SignedIn } from "../src/bindings/SignedIn";
import type { SyncOverview } from "../src/bindings/SyncOverview";
import { attentionAction, attentionNote } from "../src/utils/sync";
import { deskStatus, freshPinia, mountApp, settle, settleErrors, officerRights, supervisorRights } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const supervisor: SignedIn = {
  hub_url: "http://10.41.7.2:8740",
  username: "zhao.lei",
  role: "supervisor",
  rights: supervisorRights,
  jurisdiction: "4107",
  jurisdiction_name: "新乡市",
  token_store: "keyring",
};

function item(id: number, patch: Partial<Attention> = {}): Attention {
  return {
    id,
    order_no: "GD202611290000003",
    county_code: "410783",
    holder: "zhang.wei",
    username: "li.na",
    device_id: "desk-7",
    mutation_id: `0193-${id}`,
    action: "handle",
    recorded: ["已电话警示驾驶员", "驾驶员表示立即整改"],
    payload: "{}",
    recorded_at: "2026-11-29 09:00",
    code: "not_claimant",
    params: {},
    message_zh: "工单已由 zhang.wei 认领，只有认领人可以办理",
    message_en: "the order is claimed by zhang.wei; only the claimant may act on it",
    refused_at: "2026-11-29 10:30",
    ...patch,
  };
}

function overview(signedIn: SignedIn | null): SyncOverview {
  return { signed_in: signedIn, hub_url: null, username: null, last_sync_at: null, checkpoint: 0, unsent: 0, refusals: [], upload: null };
}

const t = i18n.global.t as unknown as (k: string, n?: Record<string, unknown>) => string;
const te = (k: string) => i18n.global.te(k);
const q = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;

describe("attention list on the 同步 page", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.deskStatus.mockResolvedValue({ ...deskStatus });
  });
  afterEach(() => {
    document.body.innerHTML = "";
    i18n.global.locale.value = "zh-CN";
  });

  it("says the refused action in words with what the officer wrote, and copies a note", () => {
    const a = item(1);
    expect(attentionAction(a, t, te)).toBe("处置：已电话警示驾驶员；驾驶员表示立即整改");
    expect(attentionAction(item(2, { action: "claim", recorded: [] }), t, te)).toBe("认领");
    const note = attentionNote(a, t, te, "zh-CN");
    expect(note).toContain("工单号：GD202611290000003");
    expect(note).toContain("县区：长垣市 (410783)");
    expect(note).toContain("办理人：li.na");
    expect(note).toContain("认领人：zhang.wei");
    expect(note).toContain("拒绝原因：工单已由 zhang.wei 认领，只有认领人可以办理 (not_claimant)");
  });

  it("words the reason from the desk's catalogue when the item carries its parameters", () => {
    const a = item(1, { params: { order_no: "GD202611290000003", claimant: "zhang.wei" }, message_zh: "（中心原文）", message_en: "(hub text)" });
    expect(attentionNote(a, t, te, "zh-CN")).toContain("拒绝原因：工单 GD202611290000003 已由 zhang.wei 认领，只有认领人可以办理。 (not_claimant)");
    expect(attentionNote(a, t, te, "en")).toContain("Work order GD202611290000003 is claimed by zhang.wei; only the claimant can act on it. (not_claimant)");
  });

  it("a county officer does not see the section", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview({ ...supervisor, username: "li.na", role: "county_officer", rights: officerRights, jurisdiction: "410783", jurisdiction_name: "新乡市 · 长垣市" }));
    const w = mountApp(SyncView, pinia);
    await settle();
    expect(q("sync-summary")).not.toBeNull();
    expect(q("attention")).toBeNull();
    expect(m.attentionList).not.toHaveBeenCalled();
    w.unmount();
  });

  it("lists each item for a supervisor; 已处理 asks for a note, resolves and the list is read again", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview(supervisor));
    m.attentionList.mockResolvedValue([item(1), item(2, { action: "claim", recorded: [], code: "claimed_by_other", message_zh: "工单 GD202611290000003 已被 zhang.wei 认领" })]);
    const w = mountApp(SyncView, pinia);
    await settle();
    const rows = document.querySelectorAll('[data-testid="attention-row"]');
    expect(rows).toHaveLength(2);
    const first = rows[0].textContent!;
    expect(first).toContain("GD202611290000003");
    expect(first).toContain("长垣市");
    expect(first).toContain("li.na");
    expect(first).toContain("处置：已电话警示驾驶员；驾驶员表示立即整改");
    expect(first).toContain("只有认领人可以办理");
    expect(first).toContain("2026-11-29 10:30");
    expect(q("attention-count")!.textContent).toContain("共 2 条");

    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    (rows[0].querySelector('[data-testid="attention-copy"]') as HTMLElement).click();
    await settle();
    expect(writeText).toHaveBeenCalledWith(expect.stringContaining("办理人：li.na"));

    const resolveButton = rows[0].querySelector('[data-testid="attention-resolve"]') as HTMLElement;
    expect(resolveButton.getAttribute("aria-label")).toBe("将 li.na 在工单 GD202611290000003 上被拒绝的记录标记为已处理");
    resolveButton.click();
    await settle();
    expect(q("attention-confirm")!.textContent).toContain("提交后不能撤销");
    // No note: nothing is sent, the field says why.
    q("attention-ok")!.click();
    await settleErrors();
    expect(m.resolveAttention).not.toHaveBeenCalled();
    expect(document.querySelector(".el-dialog")!.textContent).toContain("请填写处理说明");

    const area = document.querySelector('[data-testid="attention-note"] textarea') as HTMLTextAreaElement;
    area.value = "已与双方核实，由张伟补录";
    area.dispatchEvent(new Event("input"));
    m.attentionList.mockResolvedValue([item(2, { action: "claim", recorded: [] })]);
    await settle();
    q("attention-ok")!.click();
    await settle(10);
    expect(m.resolveAttention).toHaveBeenCalledWith(1, "已与双方核实，由张伟补录");
    expect(document.querySelectorAll('[data-testid="attention-row"]')).toHaveLength(1);
    w.unmount();
  });

  it("resolving offline says so and keeps the item; a failed read offers 重试; English throughout", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.syncOverview.mockResolvedValue(overview(supervisor));
    m.attentionList.mockRejectedValueOnce(appError("storage", "internal", {}));
    const w = mountApp(SyncView, pinia);
    await settle();
    expect(q("attention-error")!.textContent).toContain("待关注事项读取失败");
    m.attentionList.mockResolvedValue([item(1)]);
    (q("attention-error")!.querySelector("button") as HTMLElement).click();
    await settle();
    expect(document.querySelectorAll('[data-testid="attention-row"]')).toHaveLength(1);

    m.resolveAttention.mockRejectedValueOnce(appError("offline", "attention_needs_hub", { url: supervisor.hub_url }));
    q("attention-resolve")!.click();
    await settle();
    const area = document.querySelector('[data-testid="attention-note"] textarea') as HTMLTextAreaElement;
    area.value = "已核实";
    area.dispatchEvent(new Event("input"));
    await settle();
    q("attention-ok")!.click();
    await settle(10);
    expect(document.body.textContent).toContain("处理待关注事项需要连接服务器 http://10.41.7.2:8740");
    expect(document.querySelectorAll('[data-testid="attention-row"]')).toHaveLength(1);
    expect(q("attention-confirm")).not.toBeNull();

    i18n.global.locale.value = "en";
    await settle();
    expect(q("attention")!.textContent).toContain("Attention list");
    expect(q("attention-row")!.textContent).toContain("Handle: 已电话警示驾驶员; 驾驶员表示立即整改");
    w.unmount();

    // With its parameters, the row's reason is the catalogue's (not the hub's wording).
    m.attentionList.mockResolvedValue([item(4, { params: { order_no: "GD202611290000003", claimant: "zhang.wei" } })]);
    const w2 = mountApp(SyncView, freshPinia());
    await settle();
    expect(q("attention-reason")!.textContent).toContain("工单 GD202611290000003 已由 zhang.wei 认领，只有认领人可以办理。");
    w2.unmount();
  });
});
