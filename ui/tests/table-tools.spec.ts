import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { COLUMNS_KEY, parsePrefs, useColumnsStore } from "../src/stores/columns";
import { sameFilter, useSavedFiltersStore } from "../src/stores/savedFilters";
import { defaultQuery, useInboxStore } from "../src/stores/inbox";
import { filterParts } from "../src/utils/filterSummary";
import PrintSheet from "../src/components/PrintSheet.vue";
import { i18n } from "../src/i18n";
import { freshPinia, makeRow, mountApp } from "./helpers";
import type { SavedFilter } from "../src/bindings/SavedFilter";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const t = (k: string, p?: Record<string, unknown>) => i18n.global.t(k, p ?? {});

function saved(name: string, patch: Partial<SavedFilter["query"]> = {}, inUse = false): SavedFilter {
  return {
    name, query: { ...defaultQuery(), ...patch }, created_at: "2026-11-24 09:00", updated_at: "2026-11-24 09:00", in_use: inUse,
  };
}

describe("列设置 (columns store)", () => {
  beforeEach(() => {
    localStorage.clear();
    freshPinia();
  });

  it("keeps hidden columns and dragged widths across a restart; 工单号 cannot be hidden", () => {
    const c = useColumnsStore();
    c.setVisible("category", false);
    c.setVisible("orderNo", false);
    c.setWidth("place", 300, 1.5);
    expect(c.isVisible("category")).toBe(false);
    expect(c.isVisible("orderNo")).toBe(true);
    freshPinia();
    const again = useColumnsStore();
    expect(again.hidden).toEqual(["category"]);
    expect(again.widths).toEqual({ place: 200 });
    again.reset();
    expect(parsePrefs(localStorage.getItem(COLUMNS_KEY))).toEqual({ hidden: [], widths: {} });
  });

  it("drops damaged or unknown entries and clamps widths", () => {
    expect(parsePrefs("not json")).toEqual({ hidden: [], widths: {} });
    expect(parsePrefs(JSON.stringify({ hidden: ["nope", "place", "orderNo"], widths: { place: 5, x: 100, plate: "a" } }))).toEqual({
      hidden: ["place"], widths: { place: 48 },
    });
  });
});

describe("常用筛选 (saved filters store)", () => {
  beforeEach(() => {
    freshPinia();
    vi.clearAllMocks();
    m.listInbox.mockResolvedValue({ rows: [makeRow(1)], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 1, capped: false });
  });

  it("saves the inbox's current query under a name", async () => {
    const inbox = useInboxStore();
    await inbox.setFilters({ status: ["claimed", "rectifying"], due: "overdue", search: " 豫G " });
    await inbox.setSort("detected_at", true);
    const f = saved("逾期", { status: ["claimed", "rectifying"] }, true);
    m.saveFilter.mockResolvedValue(f);
    m.listFilters.mockResolvedValue([f]);
    const s = useSavedFiltersStore();
    await s.save("逾期");
    expect(m.saveFilter).toHaveBeenCalledWith("逾期", expect.objectContaining({
      status: ["claimed", "rectifying"], due: "overdue", search: "豫G", sort: "detected_at", descending: true,
      waiting_for_me: true,
    }));
    expect(s.current).toBe("逾期");
    expect(s.filters).toEqual([f]);
  });

  it("applies a saved filter to the inbox and marks it in use", async () => {
    const f = saved("整改", { status: ["rectifying"], waiting_for_me: false, page_size: 100 });
    m.useFilter.mockResolvedValue(f);
    m.listFilters.mockResolvedValue([f]);
    const s = useSavedFiltersStore();
    await s.apply("整改");
    expect(m.useFilter).toHaveBeenCalledWith("整改");
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: ["rectifying"], waiting_for_me: false, page_size: 100, page: 1 });
    expect(s.current).toBe("整改");
  });

  it("restores the filter in use at start, before the first page; none: false", async () => {
    const s = useSavedFiltersStore();
    expect(await s.restore()).toBe(false);
    expect(m.listInbox).not.toHaveBeenCalled();
    m.filterInUse.mockResolvedValue(saved("待认领", { status: ["pending"] }, true));
    expect(await s.restore()).toBe(true);
    expect(m.listInbox).toHaveBeenCalledTimes(1);
    expect(m.listInbox.mock.lastCall![0].status).toEqual(["pending"]);
    expect(s.current).toBe("待认领");
  });

  it("a filter changed by hand leaves the saved one (not restored next time); its page does not", async () => {
    const f = saved("待认领", { status: ["pending"] }, true);
    m.filterInUse.mockResolvedValue(f);
    m.listFilters.mockResolvedValue([f]);
    const s = useSavedFiltersStore();
    await s.restore();
    await s.load();
    const inbox = useInboxStore();
    await inbox.setPage(3);
    s.noteQuery(inbox.query);
    expect(s.current).toBe("待认领");
    expect(m.useFilter).not.toHaveBeenCalled();
    await inbox.setFilters({ due: "today" });
    s.noteQuery(inbox.query);
    expect(s.current).toBeNull();
    expect(m.useFilter).toHaveBeenCalledWith(null);
  });

  it("deletes a filter; the one in use is then none", async () => {
    const s = useSavedFiltersStore();
    s.current = "旧的";
    await s.remove("旧的");
    expect(m.deleteFilter).toHaveBeenCalledWith("旧的");
    expect(s.current).toBeNull();
  });

  it("statuses in another order are the same filter", () => {
    expect(sameFilter({ ...defaultQuery(), status: ["pending", "claimed"] }, { ...defaultQuery(), status: ["claimed", "pending"], page: 4 })).toBe(true);
    expect(sameFilter({ ...defaultQuery(), status: ["pending"] }, { ...defaultQuery(), status: ["claimed"] })).toBe(false);
  });
});

describe("打印 (print sheet)", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("names the filter in words, view, statuses, search and sort", () => {
    i18n.global.locale.value = "zh-CN";
    const q = { ...defaultQuery({}, true), status: ["claimed" as const, "rectifying" as const], due: "overdue" as const, search: "豫G" };
    expect(filterParts(q, t, undefined, {}, true)).toEqual(["待我办理", "已认领", "整改中", "已逾期", "只看未办结", "搜索“豫G”", "按时限"]);
    // 待抽查's fixed status is not named
    expect(filterParts({ ...defaultQuery({ status: ["submitted"] }) }, t, undefined, { status: ["submitted"] })).toEqual([]);
  });

  it("prints the rows shown with the columns chosen, the filter and the time", () => {
    const w = mountApp(PrintSheet, freshPinia(), {
      props: {
        rows: [makeRow(1, { plate: "豫G12345" }), makeRow(2, { status: "claimed", licensed: false, enterprise_name: "" })],
        columns: ["orderNo", "status", "plate", "deadline", "enterprise"],
        title: "工单列表",
        filter: "筛选条件：已认领",
        printedAt: "2026-11-24 09:30",
        user: "张伟",
        capped: false,
        total: "2",
      },
    } as never);
    expect(w.get("h1").text()).toBe("工单列表");
    expect(w.get('[data-testid="print-filter"]').text()).toBe("筛选条件：已认领");
    expect(w.get('[data-testid="print-time"]').text()).toContain("2026-11-24 09:30");
    expect(w.findAll("th").map((th) => th.text())).toEqual(["工单号", "状态", "车牌", "办理时限", "企业"]);
    const rows = w.findAll('[data-testid="print-row"]');
    expect(rows).toHaveLength(2);
    expect(rows[1].findAll("td").map((td) => td.text())).toEqual([
      "GD2026112400002", "已认领", expect.stringContaining("豫"), expect.any(String), "无经营许可",
    ]);
    expect(w.text()).toContain("共 2 条");
    w.unmount();
  });

  it("says when a long list prints only its first rows", () => {
    const w = mountApp(PrintSheet, freshPinia(), {
      props: {
        rows: [makeRow(1), makeRow(2)],
        columns: ["orderNo"],
        title: "工单列表",
        filter: "筛选条件：无",
        printedAt: "2026-11-24 09:30",
        user: "张伟",
        capped: true,
        total: "12,408",
      },
    } as never);
    expect(w.text()).toContain("共 12,408 条，打印前 2 条；全部请用“导出Excel”");
    w.unmount();
  });
});
