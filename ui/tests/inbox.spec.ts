import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { buildQuery, countDisplay, defaultQuery, hasFilters, useInboxStore } from "../src/stores/inbox";
import { freshPinia, makeRow } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

function page(n: number, hasMore = false) {
  return { rows: Array.from({ length: n }, (_, i) => makeRow(i + 1)), page: 1, page_size: 50, has_more: hasMore };
}

describe("inbox store", () => {
  beforeEach(() => {
    freshPinia();
    vi.clearAllMocks();
    m.listInbox.mockResolvedValue(page(3));
    m.countInbox.mockResolvedValue({ total: 3, capped: false });
  });

  it("builds a clean query", () => {
    const q = { ...defaultQuery(), search: "  豫A123 ", status: "pending" as const, page: 0 };
    expect(buildQuery(q)).toEqual({
      status: "pending", industry: null, violation_code: null, clue_category: null, due: null, mine: false,
      search: "豫A123", sort: "deadline", descending: false, page: 1, page_size: 50,
    });
    expect(buildQuery({ ...defaultQuery(), search: "   " }).search).toBeNull();
    expect(hasFilters(defaultQuery())).toBe(false);
    expect(hasFilters({ ...defaultQuery(), mine: true })).toBe(true);
  });

  it("lists first, then counts separately with the same query", async () => {
    const s = useInboxStore();
    const order: string[] = [];
    m.listInbox.mockImplementation(async () => (order.push("list"), page(3)));
    m.countInbox.mockImplementation(async () => (order.push("count"), { total: 3, capped: false }));
    await s.setFilters({ search: " 疲劳 ", due: "overdue" });
    expect(order).toEqual(["list", "count"]);
    const q = m.listInbox.mock.calls[0][0];
    expect(q.search).toBe("疲劳");
    expect(q.due).toBe("overdue");
    expect(m.countInbox.mock.calls[0][0]).toEqual(q);
    expect(s.rows).toHaveLength(3);
    expect(s.count).toEqual({ total: 3, capped: false });
  });

  it("a filter change goes back to page 1", async () => {
    const s = useInboxStore();
    await s.setPage(4);
    expect(s.query.page).toBe(4);
    await s.setFilters({ status: "claimed" });
    expect(s.query.page).toBe(1);
    expect(m.listInbox.mock.lastCall![0].page).toBe(1);
  });

  it("page change resets the selection", async () => {
    const s = useInboxStore();
    await s.reload();
    s.select(2);
    expect(s.selected?.id).toBe(3);
    await s.setPage(2);
    expect(s.selectedIndex).toBe(-1);
    expect(s.selected).toBeNull();
    expect(m.listInbox.mock.lastCall![0].page).toBe(2);
  });

  it("next/previous stay within the page", async () => {
    const s = useInboxStore();
    await s.reload();
    expect(s.next()?.id).toBe(1);
    expect(s.next()?.id).toBe(2);
    expect(s.next()?.id).toBe(3);
    expect(s.next()).toBeNull();
    expect(s.selectedIndex).toBe(2);
    expect(s.previous()?.id).toBe(2);
    expect(s.previous()?.id).toBe(1);
    expect(s.previous()).toBeNull();
    expect(s.selectedIndex).toBe(0);
  });

  it("next/previous on an empty page do nothing", async () => {
    m.listInbox.mockResolvedValue(page(0));
    const s = useInboxStore();
    await s.reload();
    expect(s.next()).toBeNull();
    expect(s.previous()).toBeNull();
    expect(s.selectedIndex).toBe(-1);
  });

  it("shows a capped count as a lower bound", async () => {
    expect(countDisplay({ total: 1234, capped: false })).toBe("1,234");
    expect(countDisplay({ total: 10000, capped: true })).toBe("10,000+");
    expect(countDisplay(null)).toBe("");
    m.listInbox.mockResolvedValue(page(50, true));
    m.countInbox.mockResolvedValue({ total: 10000, capped: true });
    const s = useInboxStore();
    await s.reload();
    expect(s.countText).toBe("10,000+");
    expect(s.pagerTotal).toBe(10000);
  });

  it("sorting is sent to the server", async () => {
    const s = useInboxStore();
    await s.setSort("detected_at", true);
    const q = m.listInbox.mock.lastCall![0];
    expect(q.sort).toBe("detected_at");
    expect(q.descending).toBe(true);
  });

  it("updateRow replaces the changed row in place", async () => {
    const s = useInboxStore();
    await s.reload();
    s.updateRow(makeRow(2, { status: "claimed" }));
    expect(s.rows[1].status).toBe("claimed");
    expect(s.rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
