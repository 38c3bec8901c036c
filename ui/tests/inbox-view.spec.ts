import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import InboxView from "../src/views/InboxView.vue";
import { useDeskStore } from "../src/stores/desk";
import { deskStatus, freshPinia, makeDetail, makeRow, mountApp, settle, waitFor } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const rows = [
  makeRow(1, { whitelisted: true }),
  makeRow(2, { time_left: { unit: "working_days", left: -3 } }),
  makeRow(3, { time_left: { unit: "working_days", left: 0 } }),
];

describe("inbox view", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = "";
  });

  it("offers demo data when the cache is empty, then paints rows and reports ready once", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus, order_count: 0 };
    m.listInbox.mockResolvedValue({ rows: [], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 0, capped: false });
    const w = mountApp(InboxView, pinia);
    await settle();
    const btn = document.querySelector('[data-testid="load-demo-button"]') as HTMLElement;
    expect(btn).toBeTruthy();
    expect(document.body.textContent).toContain("本机缓存中还没有工单");

    m.loadDemo.mockResolvedValue({ orders: 10000, enterprises: 300, vehicles: 2000, millis: 1500 });
    m.deskStatus.mockResolvedValue({ ...deskStatus, order_count: 10000 });
    m.listInbox.mockResolvedValue({ rows, page: 1, page_size: 50, has_more: true });
    m.countInbox.mockResolvedValue({ total: 10000, capped: true });
    btn.click();
    await settle(10);
    expect(m.loadDemo).toHaveBeenCalledWith(10000);
    expect(document.querySelectorAll('[data-testid="inbox-row"]').length).toBe(3);
    expect(document.querySelector('[data-testid="inbox-count"]')!.textContent).toBe("10,000+ 条");
    const text = document.querySelector('[data-testid="inbox-table"]')!.textContent!;
    expect(text).toContain("白名单");
    expect(text).toContain("逾期 3 个工作日");
    expect(text).toContain("今日到期");
    expect(m.frontendReady).toHaveBeenCalledTimes(1);
    w.unmount();
  });

  it("says what a search looked for and where, widens it, and clears it", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listInbox.mockResolvedValue({ rows: [], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 0, capped: false });
    const w = mountApp(InboxView, pinia);
    await settle();
    const input = document.querySelector('[data-testid="search-input"] input') as HTMLInputElement;
    input.value = "豫Z99999";
    input.dispatchEvent(new Event("input"));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(m.listInbox.mock.lastCall![0].search).toBe("豫Z99999");
    const empty = document.querySelector('[data-testid="empty-search"]')!;
    expect(empty.textContent).toContain("没有找到与“豫Z99999”相符的工单");
    expect(empty.textContent).toContain("工单号、车牌、企业、违法类型、地点、驾驶员姓名和电话");
    expect(document.querySelector('[data-testid="empty-search-scope"]')!.textContent).toContain("只看未办结");
    expect(document.body.textContent).not.toContain("当前筛选条件");

    // 在全部工单中查找: the same term, every other filter dropped (open_only too)
    (document.querySelector('[data-testid="widen-search"]') as HTMLElement).click();
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ search: "豫Z99999", open_only: false, waiting_for_me: false, status: [] });
    expect(document.querySelector('[data-testid="empty-search-scope"]')).toBeNull();
    expect(document.querySelector('[data-testid="widen-search"]')).toBeNull();

    (document.querySelector('[data-testid="clear-filters"]') as HTMLElement).click();
    await settle();
    expect(m.listInbox.mock.lastCall![0].search).toBeNull();
    w.unmount();
  });

  it("opens the order when the search is its whole number", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listInbox.mockResolvedValue({ rows: [makeRow(7)], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 1, capped: false });
    m.getOrder.mockResolvedValue(makeDetail(7));
    const w = mountApp(InboxView, pinia);
    await settle();
    expect(m.getOrder).not.toHaveBeenCalled();
    const input = document.querySelector('[data-testid="search-input"] input') as HTMLInputElement;
    input.value = "gd 2026112400-007";
    input.dispatchEvent(new Event("input"));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle(10);
    expect(m.getOrder).toHaveBeenCalledWith(7);
    w.unmount();
  });

  it("only-open checkbox is on by default, sent with every query, and survives 清除筛选", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listInbox.mockResolvedValue({ rows: [], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 0, capped: false });
    const w = mountApp(InboxView, pinia);
    await settle();
    const box = document.querySelector('[data-testid="filter-open"]') as HTMLElement;
    expect(box.textContent).toContain("只看未办结");
    expect(box.classList.contains("is-checked")).toBe(true);
    expect(m.listInbox.mock.lastCall![0].open_only).toBe(true);
    expect(m.countInbox.mock.lastCall![0].open_only).toBe(true);

    // nothing waits for me: the empty state says so and offers every order
    expect(document.querySelector('[data-testid="empty-waiting"]')!.textContent).toContain("没有等待您办理的工单");
    (document.querySelector('[data-testid="show-all"]') as HTMLElement).click();
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ waiting_for_me: false, open_only: true });

    // nothing open: the empty state says that open_only hides the rest and offers to show it
    expect(document.querySelector('[data-testid="empty-open-only"]')!.textContent).toContain("没有未办结的工单");
    expect(document.body.textContent).toContain("已办结和已转办的工单被“只看未办结”隐藏");

    // a search on top: the empty state names open_only as its scope; 清除查询 keeps it on
    const input = document.querySelector('[data-testid="search-input"] input') as HTMLInputElement;
    input.value = "豫Z99999";
    input.dispatchEvent(new Event("input"));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(document.querySelector('[data-testid="empty-search-scope"]')!.textContent).toContain("只看未办结");
    (document.querySelector('[data-testid="clear-filters"]') as HTMLElement).click();
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ search: null, open_only: true });
    expect(box.classList.contains("is-checked")).toBe(true);

    // "显示已办结工单" unticks it
    (document.querySelector('[data-testid="show-finished"]') as HTMLElement).click();
    await settle();
    expect(m.listInbox.mock.lastCall![0].open_only).toBe(false);
    expect(box.classList.contains("is-checked")).toBe(false);
    expect(document.body.textContent).toContain("没有需要办理的工单");

    // and ticking the checkbox again turns it back on
    (box.querySelector("input") as HTMLInputElement).click();
    await settle();
    expect(m.listInbox.mock.lastCall![0].open_only).toBe(true);
    w.unmount();
  });

  it("finished orders show a muted dash, never 今日到期, in 时限", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const finished = [
      makeRow(1, { status: "closed", clock_owner: null, time_left: null, due_at: null }),
      makeRow(2, { status: "transferred", clock_owner: null, time_left: null, due_at: null }),
      makeRow(3, { status: "claimed", time_left: { unit: "working_days", left: 0 } }),
    ];
    m.listInbox.mockResolvedValue({ rows: finished, page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 3, capped: false });
    const w = mountApp(InboxView, pinia);
    await settle();
    const cells = [...document.querySelectorAll(".inbox-table .inbox-row")].map(
      (tr) => tr.querySelector(".clock")!,
    );
    expect(cells[0].textContent).toBe("—");
    expect(cells[0].classList.contains("clock-finished")).toBe(true);
    expect(cells[0].getAttribute("title")).toBe("已办结，不再计算办理时限");
    expect(cells[1].textContent).toBe("—");
    expect(cells[1].getAttribute("title")).toBe("已转办，不再计算办理时限");
    expect(cells[1].classList.contains("clock-overdue")).toBe(false);
    expect(cells[2].textContent).toBe("今日到期");
    const text = document.querySelector('[data-testid="inbox-table"]')!.textContent!;
    expect(text.match(/今日到期/g)).toHaveLength(1);
    expect(text).not.toContain("逾期");
    w.unmount();
  });

  it("j/k move through the rows and open the drawer; keys are ignored while typing", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listInbox.mockResolvedValue({ rows, page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 3, capped: false });
    m.getOrder.mockImplementation(async (id: number) => {
      const { makeDetail } = await import("./helpers");
      return makeDetail(id);
    });
    const w = mountApp(InboxView, pinia);
    await settle();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "j" }));
    await settle();
    expect(m.getOrder).toHaveBeenLastCalledWith(1);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown" }));
    await settle();
    expect(m.getOrder).toHaveBeenLastCalledWith(2);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "k" }));
    await settle();
    expect(m.getOrder).toHaveBeenLastCalledWith(1);
    const input = document.querySelector('[data-testid="search-input"] input') as HTMLInputElement;
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "j", bubbles: true }));
    await settle();
    expect(m.getOrder).toHaveBeenCalledTimes(3);
    expect(await waitFor('[data-testid="order-drawer"] [data-testid="order-no"]')).toBeTruthy();
    w.unmount();
  });

  it("arrows stay with the focused control; F5 and Ctrl+R refresh the list, not the page", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listInbox.mockResolvedValue({ rows, page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 3, capped: false });
    m.getOrder.mockImplementation(async (id: number) => {
      const { makeDetail } = await import("./helpers");
      return makeDetail(id);
    });
    const w = mountApp(InboxView, pinia);
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ waiting_for_me: true });
    // an arrow typed in the view switch (a radio group) is the group's, not the list's
    const radio = document.querySelector('[data-testid="view-switch"] input') as HTMLElement;
    radio.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    const button = document.querySelector('[data-testid="refresh-button"]') as HTMLElement;
    button.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    await settle();
    expect(m.getOrder).not.toHaveBeenCalled();
    // from a row, the arrows move through the list
    const row = document.querySelector('[data-testid="inbox-row"]') as HTMLElement;
    row.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    await settle();
    expect(m.getOrder).toHaveBeenCalledTimes(1);
    const before = m.listInbox.mock.calls.length;
    for (const init of [{ key: "F5" }, { key: "r", ctrlKey: true }]) {
      const e = new KeyboardEvent("keydown", { ...init, cancelable: true });
      window.dispatchEvent(e);
      expect(e.defaultPrevented).toBe(true);
    }
    await settle();
    expect(m.listInbox.mock.calls.length).toBeGreaterThanOrEqual(before + 2);
    w.unmount();
  });

  it("a row click opens the drawer and marks the row; the sortable headers reload the page sorted", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listInbox.mockResolvedValue({ rows, page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 3, capped: false });
    m.getOrder.mockImplementation(async (id: number) => {
      const { makeDetail } = await import("./helpers");
      return makeDetail(id);
    });
    const w = mountApp(InboxView, pinia);
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ sort: "deadline", descending: false });
    const trs = () => [...document.querySelectorAll<HTMLElement>('[data-testid="inbox-row"]')];
    expect(trs().map((tr) => tr.querySelector("td:nth-child(1)")!.textContent)).toEqual([
      "GD2026112400001",
      "GD2026112400002",
      "GD2026112400003",
    ]);
    (trs()[1].querySelector("td:nth-child(3)") as HTMLElement).click();
    await settle();
    expect(m.getOrder).toHaveBeenLastCalledWith(2);
    expect(trs()[1].classList.contains("is-selected")).toBe(true);
    expect(document.querySelectorAll(".inbox-row.is-selected")).toHaveLength(1);
    expect(await waitFor('[data-testid="order-drawer"] [data-testid="order-no"]')).toBeTruthy();

    const deadlineTh = document.querySelector('[data-testid="sort-deadline"]') as HTMLElement;
    const detectedTh = document.querySelector('[data-testid="sort-detected_at"]') as HTMLElement;
    expect(deadlineTh.getAttribute("aria-sort")).toBe("ascending");
    expect(detectedTh.getAttribute("aria-sort")).toBe("none");
    deadlineTh.querySelector("button")!.click();
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ sort: "deadline", descending: true, page: 1 });
    expect(deadlineTh.getAttribute("aria-sort")).toBe("descending");
    detectedTh.querySelector("button")!.click();
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ sort: "detected_at", descending: false });
    expect(detectedTh.getAttribute("aria-sort")).toBe("ascending");
    expect(deadlineTh.getAttribute("aria-sort")).toBe("none");
    w.unmount();
  });

  it("shows the loading mask while a page loads and removes it after", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    let resolve!: (v: Awaited<ReturnType<typeof api.listInbox>>) => void;
    m.listInbox.mockReturnValue(new Promise((r) => (resolve = r)));
    m.countInbox.mockResolvedValue({ total: 3, capped: false });
    const w = mountApp(InboxView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="inbox-table"] .el-loading-mask')).toBeTruthy();
    resolve({ rows, page: 1, page_size: 50, has_more: false });
    await settle();
    expect(document.querySelector(".el-loading-mask")).toBeNull();
    expect(document.querySelectorAll('[data-testid="inbox-row"]')).toHaveLength(3);
    w.unmount();
  });
});
