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

describe("批量认领", () => {
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
    m.claimOrders.mockResolvedValue(results);
    const items = await s.claimBatch([1, 2]);
    expect(m.claimOrders).toHaveBeenCalledWith([1, 2]);
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
    const dialog = await waitFor('[data-testid="batch-claim-dialog"]');
    expect(dialog.textContent).toContain("确认认领以下 2 条工单");
    expect(dialog.textContent).toContain(rows[1].order_no);
    expect(m.claimOrders).not.toHaveBeenCalled();

    m.claimOrders.mockResolvedValue(results);
    (document.querySelector('[data-testid="batch-claim-ok"]') as HTMLElement).click();
    await settle(10);
    expect(m.claimOrders).toHaveBeenCalledWith([1, 2]);
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
});
