import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import InboxView from "../src/views/InboxView.vue";
import InboxTable from "../src/components/InboxTable.vue";
import { useDeskStore } from "../src/stores/desk";
import { useInboxStore } from "../src/stores/inbox";
import type { BatchItem } from "../src/bindings/BatchItem";
import { deskStatus, freshPinia, makeRow, mountApp, settle, waitFor } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const rows = [makeRow(1), makeRow(2), makeRow(3)];
const refusal = appError("not_claimant", "not_claimant", { claimant: "李娜" });
const results: BatchItem[] = [
  { id: 1, order_no: rows[0].order_no, row: { ...rows[0], status: "claimed", claimed_by: "张伟" }, error: null },
  { id: 2, order_no: rows[1].order_no, row: null, error: refusal },
];

describe("批量认领、退回、转办", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0));
    m.listInbox.mockResolvedValue({ rows, page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 3, capped: false });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = "";
  });

  it("the store ticks rows of the page, claims them, updates the claimed ones and keeps refused ones ticked", async () => {
    freshPinia();
    const s = useInboxStore();
    await s.reload();
    s.setChecked(1, true);
    s.setChecked(2, true);
    s.setChecked(2, true);
    expect(s.checked).toEqual([1, 2]);
    expect(s.checkedRows.map((r) => r.id)).toEqual([1, 2]);
    m.actOnOrders.mockResolvedValue(results);
    const items = await s.actOnBatch([1, 2], { action: "claim" });
    expect(m.actOnOrders).toHaveBeenCalledWith([1, 2], { action: "claim" });
    expect(items).toBe(results);
    expect(s.rows[0].status).toBe("claimed");
    expect(s.checked).toEqual([2]);
    s.checkAll(true);
    expect(s.checked).toEqual([1, 2, 3]);
    // a reload keeps ticks only on rows still shown
    m.listInbox.mockResolvedValue({ rows: [rows[2]], page: 1, page_size: 50, has_more: false });
    await s.reload();
    expect(s.checked).toEqual([3]);
    s.clearChecked();
    expect(s.checked).toEqual([]);
  });

  it("the table's tick boxes tick without opening the row, and the header ticks the page", async () => {
    const w = mountApp(InboxTable, freshPinia(), {
      props: { rows, sort: "deadline", descending: false, checked: [2] },
    } as never);
    const boxes = w.findAll('[data-testid="row-check"]');
    expect(boxes).toHaveLength(3);
    expect((boxes[1].element as HTMLInputElement).checked).toBe(true);
    expect(boxes[0].attributes("aria-label")).toBe(`选择工单 ${rows[0].order_no}`);
    // the order number cell still reads as the number
    expect(w.findAll('[data-testid="inbox-row"]')[0].find("td").text()).toBe(rows[0].order_no);
    (boxes[0].element as HTMLInputElement).click();
    expect(w.emitted("check")).toEqual([[1, true]]);
    expect(w.emitted("open")).toBeUndefined();
    const all = w.get('[data-testid="check-all"]');
    expect((all.element as HTMLInputElement).indeterminate).toBe(true);
    (all.element as HTMLInputElement).click();
    expect(w.emitted("checkAll")).toEqual([[true]]);
    w.unmount();

    const plain = mountApp(InboxTable, freshPinia(), { props: { rows, sort: "deadline", descending: false } } as never);
    expect(plain.find('[data-testid="row-check"]').exists()).toBe(false);
    plain.unmount();
  });

  it("asks first, then shows each order's result with the reason of a refusal", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const w = mountApp(InboxView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="batch-bar"]')).toBeNull();
    const boxes = document.querySelectorAll<HTMLInputElement>('[data-testid="row-check"]');
    boxes[0].click();
    boxes[1].click();
    await settle();
    expect(document.querySelector('[data-testid="batch-bar"]')!.textContent).toContain("已选 2 条");
    (document.querySelector('[data-testid="batch-claim"]') as HTMLElement).click();
    const dialog = await waitFor('[data-testid="batch-dialog"]');
    expect(dialog.textContent).toContain("确认认领以下 2 条工单");
    expect(dialog.textContent).toContain(rows[1].order_no);
    expect(m.actOnOrders).not.toHaveBeenCalled();

    m.actOnOrders.mockResolvedValue(results);
    (document.querySelector('[data-testid="batch-ok"]') as HTMLElement).click();
    await settle(10);
    expect(m.actOnOrders).toHaveBeenCalledWith([1, 2], { action: "claim" });
    expect(document.querySelector('[data-testid="batch-summary"]')!.textContent).toContain("已认领 1 条，未认领 1 条");
    const lines = [...document.querySelectorAll('[data-testid="batch-result"]')].map((e) => e.textContent);
    expect(lines[0]).toContain("已认领");
    expect(lines[1]).toContain("未认领");
    expect(lines[1]).toContain("该工单已由李娜认领");
    // the list is read again and the header's counts too
    expect(m.listInbox.mock.calls.length).toBeGreaterThan(1);
    expect(m.deskStatus).toHaveBeenCalled();
    w.unmount();
  });

  async function openBatch(kind: "return" | "transfer") {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const w = mountApp(InboxView, pinia);
    await settle();
    const boxes = document.querySelectorAll<HTMLInputElement>('[data-testid="row-check"]');
    boxes[0].click();
    boxes[2].click();
    await settle();
    (document.querySelector(`[data-testid="batch-${kind}"]`) as HTMLElement).click();
    const dialog = await waitFor(`[data-testid="batch-dialog"][data-kind="${kind}"]`);
    return { w, dialog };
  }

  function typeInto(sel: string, value: string) {
    const el = document.querySelector<HTMLTextAreaElement | HTMLInputElement>(`${sel} textarea, ${sel} input`)!;
    el.value = value;
    el.dispatchEvent(new Event("input"));
  }

  it("a batch return asks its reason code once, and the text when the code needs it", async () => {
    const { w, dialog } = await openBatch("return");
    expect(dialog.textContent).toContain("确认退回以下 2 条工单");
    const ok = () => (document.querySelector('[data-testid="batch-ok"]') as HTMLElement).click();
    // no reason chosen: nothing is sent
    ok();
    await settle(10);
    expect(m.actOnOrders).not.toHaveBeenCalled();
    await waitFor(".el-form-item__error");
    expect(document.querySelector(".el-form-item__error")!.textContent).toContain("请选择退回原因");
    // "other" needs its text
    (document.querySelector('[data-testid="batch-reason-other"] input') as HTMLInputElement).click();
    await settle();
    ok();
    await settle(10);
    expect(m.actOnOrders).not.toHaveBeenCalled();
    typeInto('[data-testid="batch-reason-text"]', "  车辆已注销  ");
    await settle();
    m.actOnOrders.mockResolvedValue([
      { id: 1, order_no: rows[0].order_no, row: { ...rows[0], status: "returned" }, error: null },
      { id: 3, order_no: rows[2].order_no, row: null, error: appError("refused_transition", "not_allowed", { status: { kind: "status", value: "claimed" }, role: { kind: "role", value: "county_officer" }, action: { kind: "action", value: "return" } }) },
    ]);
    ok();
    await settle(10);
    expect(m.actOnOrders).toHaveBeenCalledWith([1, 3], { action: "return", reason_code: "other", reason: "车辆已注销" });
    expect(document.querySelector('[data-testid="batch-summary"]')!.textContent).toContain("已退回 1 条，未退回 1 条");
    const lines = [...document.querySelectorAll('[data-testid="batch-result"]')];
    expect(lines[1].getAttribute("data-ok")).toBe("false");
    expect(lines[1].textContent).toContain("不能执行“退回”");
    w.unmount();
  });

  it("a batch return with a listed reason goes without text; a transfer needs its unit and reason", async () => {
    let { w } = await openBatch("return");
    (document.querySelector('[data-testid="batch-reason-not_our_county"] input') as HTMLInputElement).click();
    await settle();
    m.actOnOrders.mockResolvedValue([]);
    (document.querySelector('[data-testid="batch-ok"]') as HTMLElement).click();
    await settle(10);
    expect(m.actOnOrders).toHaveBeenCalledWith([1, 3], { action: "return", reason_code: "not_our_county", reason: "" });
    w.unmount();
    document.body.innerHTML = "";
    vi.clearAllMocks();
    m.listInbox.mockResolvedValue({ rows, page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 3, capped: false });

    ({ w } = await openBatch("transfer"));
    (document.querySelector('[data-testid="batch-ok"]') as HTMLElement).click();
    await settle(10);
    expect(m.actOnOrders).not.toHaveBeenCalled();
    typeInto('[data-testid="batch-to-unit"]', "长垣市应急管理局");
    typeInto('[data-testid="batch-reason-text"]', "涉及危化品储存");
    await settle();
    m.actOnOrders.mockResolvedValue([]);
    (document.querySelector('[data-testid="batch-ok"]') as HTMLElement).click();
    await settle(10);
    expect(m.actOnOrders).toHaveBeenCalledWith([1, 3], { action: "transfer", to_unit: "长垣市应急管理局", reason: "涉及危化品储存" });
    w.unmount();
  });
});
