import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import {
  buildQuery, countDisplay, defaultQuery, hasFilters, hasOtherFilters, orderNumberOf, reconcileFilters, useInboxStore, useSpotCheckStore, SPOT_CHECK_FILTERS,
} from "../src/stores/inbox";
import { freshPinia, makeRow } from "./helpers";
import type { Status } from "../src/bindings/Status";

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
    const q = { ...defaultQuery(), search: "  豫A123 ", status: ["pending" as const], page: 0 };
    expect(buildQuery(q)).toEqual({
      status: ["pending"], industry: null, violation_code: null, clue_category: null, due: null, mine: false,
      open_only: true, waiting_for_me: false, search: "豫A123", sort: "deadline", descending: false, page: 1, page_size: 50,
    });
    // the view (待我办理) is the inbox's scope, like open_only
    expect(hasFilters(defaultQuery({}, true))).toBe(false);
    expect(buildQuery({ ...defaultQuery(), search: "   " }).search).toBeNull();
    expect(hasFilters(defaultQuery())).toBe(false);
    expect(hasFilters({ ...defaultQuery(), mine: true })).toBe(true);
    // open_only is the inbox's scope, not a narrowing filter
    expect(hasFilters({ ...defaultQuery(), open_only: false })).toBe(false);
  });

  it("reads an order number the way the backend does and finds its row", async () => {
    expect(orderNumberOf(" gd2026-1124·0000123 ")).toBe("GD202611240000123");
    expect(orderNumberOf("豫A12345")).toBeNull();
    expect(orderNumberOf("GD20261124 京港澳")).toBeNull();
    const s = useInboxStore();
    await s.setFilters({ search: "gd2026112400002" });
    expect(s.exactMatch()?.id).toBe(2);
    await s.setFilters({ search: "GD20261124" });
    expect(s.exactMatch()).toBeNull();
  });

  it("widening a search keeps the term and drops every other filter", async () => {
    const s = useInboxStore();
    await s.setFilters({ status: ["claimed"], mine: true, search: "王强" });
    expect(hasOtherFilters(s.query)).toBe(true);
    await s.widenSearch();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({
      search: "王强", status: [], mine: false, open_only: false, waiting_for_me: false,
    });
    expect(hasOtherFilters(s.query)).toBe(false);
    // the spot-check list keeps its fixed status
    const sc = useSpotCheckStore();
    await sc.setFilters({ search: "王强", industry: "hazmat" });
    await sc.widenSearch();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ search: "王强", status: ["submitted"], industry: null });
  });

  it("open_only is on by default and in every query sent", async () => {
    expect(defaultQuery().open_only).toBe(true);
    const s = useInboxStore();
    await s.reload();
    await s.setFilters({ status: ["claimed"] });
    await s.setPage(2);
    await s.setSort("detected_at", true);
    for (const [q] of [...m.listInbox.mock.calls, ...m.countInbox.mock.calls]) {
      expect(q.open_only).toBe(true);
    }
    await s.setFilters({ open_only: false });
    expect(m.listInbox.mock.lastCall![0].open_only).toBe(false);
    expect(m.countInbox.mock.lastCall![0].open_only).toBe(false);
  });

  it("clearing filters leaves open_only as it was", async () => {
    const s = useInboxStore();
    await s.setFilters({ mine: true, search: "豫G", due: "today" });
    await s.clearFilters();
    let q = m.listInbox.mock.lastCall![0];
    expect(q.open_only).toBe(true);
    expect(q.mine).toBe(false);
    expect(q.search).toBeNull();
    await s.setFilters({ open_only: false, mine: true });
    await s.clearFilters();
    q = m.listInbox.mock.lastCall![0];
    expect(q.open_only).toBe(false);
    expect(q.mine).toBe(false);
  });

  it("a finished status and open_only do not contradict each other", async () => {
    const f = { ...defaultQuery() };
    reconcileFilters(Object.assign(f, { status: ["claimed", "closed"] as Status[] }), { status: ["claimed", "closed"] });
    expect(f.open_only).toBe(false);
    reconcileFilters(Object.assign(f, { open_only: true }), { open_only: true });
    expect(f.status).toEqual(["claimed"]);
    const g = { ...defaultQuery(), status: ["claimed"] as Status[] };
    reconcileFilters(g, { open_only: true });
    expect(g.status).toEqual(["claimed"]);

    const s = useInboxStore();
    await s.setFilters({ status: ["transferred"] });
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: ["transferred"], open_only: false });
    await s.setFilters({ open_only: true });
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: [], open_only: true });
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

  it("opens on 待我办理; clearing filters keeps the view, a saved query replaces everything", async () => {
    const s = useInboxStore();
    await s.reload();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ waiting_for_me: true, open_only: true });
    await s.setFilters({ status: ["pending", "claimed"], due: "overdue" });
    await s.clearFilters();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ waiting_for_me: true, status: [], due: null });
    await s.setFilters({ waiting_for_me: false });
    expect(m.listInbox.mock.lastCall![0].waiting_for_me).toBe(false);
    await s.setPage(3);
    await s.applyQuery({
      ...defaultQuery(), status: ["rectifying"], due: "today", waiting_for_me: true, search: "豫G",
      sort: "detected_at", descending: true, page: 9, page_size: 100,
    });
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({
      status: ["rectifying"], due: "today", waiting_for_me: true, search: "豫G", sort: "detected_at",
      descending: true, page: 1, page_size: 100,
    });
    // the spot-check list keeps its fixed status whatever a query says
    const sc = useSpotCheckStore();
    await sc.applyQuery({ ...defaultQuery(), status: ["pending"] });
    expect(m.listInbox.mock.lastCall![0].status).toEqual(["submitted"]);
  });

  it("a filter change goes back to page 1", async () => {
    const s = useInboxStore();
    await s.setPage(4);
    expect(s.query.page).toBe(4);
    await s.setFilters({ status: ["claimed"] });
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

describe("待抽查 list", () => {
  beforeEach(() => {
    freshPinia();
    vi.clearAllMocks();
    m.listInbox.mockResolvedValue(page(2));
    m.countInbox.mockResolvedValue({ total: 2, capped: false });
  });

  it("always asks for submitted orders; its fixed status is not a filter to clear", async () => {
    const s = useSpotCheckStore();
    await s.reload();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: ["submitted"], open_only: true, sort: "deadline", waiting_for_me: false });
    expect(s.filtered).toBe(false);
    expect(hasFilters(defaultQuery(SPOT_CHECK_FILTERS), SPOT_CHECK_FILTERS)).toBe(false);
    await s.setFilters({ industry: "hazmat", status: ["pending"] });
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: ["submitted"], industry: "hazmat" });
    expect(s.filtered).toBe(true);
    await s.clearFilters();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: ["submitted"], industry: null });
    expect(s.filtered).toBe(false);
  });

  it("keeps its own query: the inbox's filters are untouched", async () => {
    const inbox = useInboxStore();
    await inbox.setFilters({ search: "豫G" });
    const spot = useSpotCheckStore();
    await spot.reload();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: ["submitted"], search: null });
    expect(inbox.query.search).toBe("豫G");
    expect(inbox.query.status).toEqual([]);
  });
});
