import { afterEach, describe, expect, it } from "vitest";
import { h } from "vue";
import InboxTable from "../src/components/InboxTable.vue";
import { freshPinia, makeRow, mountApp } from "./helpers";

const rows = [
  makeRow(1, { plate: "豫G12345", whitelisted: true, enterprise_name: "长垣市安达危险货物运输有限公司" }),
  makeRow(2, { plate: "豫A54321", status: "claimed", credit_code: "red", time_left: { unit: "working_days", left: -3 } }),
  makeRow(3, { plate: "豫B00001", clue_category: 2, place: "S1 郑新快速 K12" }),
];

function mountTable(props: Record<string, unknown> = {}, slots: Record<string, () => unknown> = {}) {
  return mountApp(InboxTable, freshPinia(), {
    props: { rows, sort: "deadline", descending: false, ...props },
    slots,
  } as never);
}

describe("InboxTable", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("renders one plain row per order, cells in column order, full text in title", () => {
    const w = mountTable();
    const table = w.get('[data-testid="inbox-table"]');
    expect(table.findAll("thead th").map((th) => th.text())).toEqual([
      "工单号", "状态", "车牌", "办理时限", "企业", "信用码", "违法类型", "线索类别", "地点", "检测时间",
    ]);
    const trs = w.findAll('tbody tr[data-testid="inbox-row"]');
    expect(trs).toHaveLength(3);
    expect(trs.every((tr) => tr.classes("inbox-row"))).toBe(true);
    expect(trs.map((tr) => tr.find("td:nth-child(1)").text())).toEqual(["GD2026112400001", "GD2026112400002", "GD2026112400003"]);
    expect(trs.map((tr) => tr.find("td:nth-child(3)").text().startsWith("豫"))).toEqual([true, true, true]);
    const first = trs[0].findAll("td");
    expect(first).toHaveLength(10);
    expect(first[1].text()).toBe("待认领");
    expect(first[2].text()).toContain("白名单");
    expect(first[4].attributes("title")).toBe("长垣市安达危险货物运输有限公司");
    expect(first[8].attributes("title")).toBe("G4 京港澳高速 K620");
    expect(trs[1].findAll("td")[5].text()).toBe("红码");
    expect(trs[1].findAll("td")[3].text()).toBe("逾期 3 个工作日");
    expect(trs[2].findAll("td")[7].text()).toBe(w.vm.$t("category.names.c2"));
    // no per-cell tooltip or popper components
    expect(w.find(".el-tooltip__trigger, .el-popper").exists()).toBe(false);
    w.unmount();
  });

  it("a vehicle without a licensed enterprise says so instead of an enterprise and a credit code", () => {
    const w = mountTable({ rows: [makeRow(7, { licensed: false, enterprise_name: "", credit_code: null, violation_name: "疑似非法营运" })] });
    const tds = w.findAll('[data-testid="inbox-row"] td');
    expect(tds[4].text()).toBe("无经营许可");
    expect(tds[4].attributes("title")).toContain("没有取得经营许可");
    expect(tds[5].text()).toBe("");
    w.unmount();
  });

  it("clocks: minutes or working days; red and amber only for the user's own, others' named and neutral", () => {
    const w = mountTable({
      rows: [
        makeRow(1, { clock_owner: "officer", time_left: { unit: "minutes", left: 80 } }),
        makeRow(2, { clock_owner: "officer", time_left: { unit: "minutes", left: -35 } }),
        makeRow(3, { clock_owner: "officer", time_left: { unit: "minutes", left: 45 } }),
        makeRow(4, { status: "rectifying", clock_owner: "enterprise", time_left: { unit: "working_days", left: 5 }, waits_for_me: false }),
        makeRow(5, { status: "rectifying", clock_owner: "enterprise", time_left: { unit: "working_days", left: -2 }, waits_for_me: false }),
        makeRow(6, { status: "submitted", clock_owner: "supervisor", time_left: { unit: "working_days", left: -1 }, waits_for_me: false }),
        makeRow(7, { status: "awaiting_feedback", clock_owner: "authority", time_left: { unit: "working_days", left: 3 }, waits_for_me: false }),
        makeRow(8, { clock_owner: "officer", time_left: { unit: "working_days", left: 1 }, due_provisional: true, due_at: "2027-01-04 23:59" }),
      ],
    });
    const clocks = w.findAll('[data-testid="inbox-row"] [data-testid="clock"]');
    const texts = clocks.map((c) => c.text());
    const levels = clocks.map((c) => c.attributes("data-level"));
    expect(texts).toEqual([
      "剩余 1 小时 20 分",
      "超时 35 分钟",
      "剩余 45 分钟",
      "企业 · 剩余 5 个工作日",
      "企业 · 逾期 2 个工作日",
      "抽查 · 逾期 1 个工作日",
      "反馈 · 剩余 3 个工作日",
      "剩余 1 个工作日暂定",
    ]);
    expect(levels).toEqual(["ok", "overdue", "soon", "others", "others", "others", "others", "soon"]);
    expect(clocks[1].classes()).toContain("clock-overdue");
    expect(clocks[4].classes()).not.toContain("clock-overdue");
    expect(clocks[3].attributes("title")).toBe("企业整改期限 · 剩余 5 个工作日（截止 2026-11-27 23:59）");
    expect(clocks[7].attributes("title")).toContain("尚未载入国务院放假安排");
    w.unmount();
  });

  it("a supervisor's own clock is the spot check; the officer's is someone else's", () => {
    // As the backend marks them for a supervisor's desk (Role::waits_for).
    const w = mountTable({
      rows: [
        makeRow(1, { status: "submitted", clock_owner: "supervisor", time_left: { unit: "working_days", left: -1 } }),
        makeRow(2, { clock_owner: "officer", time_left: { unit: "minutes", left: -10 }, waits_for_me: false }),
      ],
    });
    const clocks = w.findAll('[data-testid="clock"]');
    expect(clocks.map((c) => c.text())).toEqual(["逾期 1 个工作日", "执法 · 超时 10 分钟"]);
    expect(clocks.map((c) => c.attributes("data-level"))).toEqual(["overdue", "others"]);
    w.unmount();
  });

  it("fixed layout: widths from the colgroup, scaled with the text size; 企业/违法类型/地点 share the rest 5:4:4", async () => {
    const w = mountTable();
    const colWidths = () => w.findAll("col").map((c) => (c.element as HTMLElement).style.width);
    // 工单号 状态 车牌 办理时限 | 企业 ×5 | 信用码 | 违法类型 ×4 | 线索类别 | 地点 ×4 | 检测时间
    expect(colWidths()).toEqual([
      "144px", "96px", "136px", "172px", "", "", "", "", "", "60px", "", "", "", "", "68px", "", "", "", "", "124px",
    ]);
    const ths = w.findAll("thead th");
    expect(ths.map((th) => th.attributes("colspan") ?? "1")).toEqual(["1", "1", "1", "1", "5", "1", "4", "1", "4", "1"]);
    expect(w.findAll("tbody tr")[0].findAll("td").map((td) => td.attributes("colspan") ?? "1")).toEqual([
      "1", "1", "1", "1", "5", "1", "4", "1", "4", "1",
    ]);
    expect((w.get("table").element as HTMLElement).style.minWidth).toBe("1060px");
    await w.setProps({ textSize: 125 });
    expect(colWidths()[0]).toBe("180px");
    expect((w.get("table").element as HTMLElement).style.minWidth).toBe("1325px");
    w.unmount();
  });

  it("a row click emits open with the row and its index; the selected row carries is-selected", async () => {
    const w = mountTable({ selectedIndex: 1 });
    const trs = w.findAll('[data-testid="inbox-row"]');
    expect(trs.map((tr) => tr.classes("is-selected"))).toEqual([false, true, false]);
    await trs[2].find("td:nth-child(3)").trigger("click");
    expect(w.emitted("open")).toEqual([[rows[2], 2]]);
    await w.setProps({ selectedIndex: 2 });
    expect(w.findAll('[data-testid="inbox-row"]').map((tr) => tr.classes("is-selected"))).toEqual([false, false, true]);
    w.unmount();
  });

  it("sortable headers are buttons: a click flips the sorted column, sorts the other ascending", async () => {
    const w = mountTable();
    const deadline = w.get('[data-testid="sort-deadline"]');
    const detected = w.get('[data-testid="sort-detected_at"]');
    expect(w.findAll("th[aria-sort]")).toHaveLength(2);
    expect(deadline.attributes("aria-sort")).toBe("ascending");
    expect(deadline.find(".inbox-table__caret").classes()).toContain("ascending");
    expect(detected.attributes("aria-sort")).toBe("none");
    await deadline.get("button").trigger("click");
    await detected.get("button").trigger("click");
    expect(w.emitted("sort")).toEqual([
      ["deadline", true],
      ["detected_at", false],
    ]);
    await w.setProps({ sort: "detected_at", descending: true });
    expect(detected.attributes("aria-sort")).toBe("descending");
    expect(detected.find(".inbox-table__caret").classes()).toContain("descending");
    expect(deadline.attributes("aria-sort")).toBe("none");
    await detected.get("button").trigger("click");
    expect(w.emitted("sort")![2]).toEqual(["detected_at", false]);
    w.unmount();
  });

  it("shows the empty slot only without rows, and the loading mask while loading", async () => {
    const w = mountTable({ rows: [], loading: true }, { empty: () => h("p", { "data-testid": "nothing" }, "没有工单") });
    expect(w.find('[data-testid="nothing"]').text()).toBe("没有工单");
    expect(w.findAll("thead th")).toHaveLength(10);
    expect(w.find("tbody tr").exists()).toBe(false);
    expect(w.find(".el-loading-mask").exists()).toBe(true);
    expect(w.get('[data-testid="inbox-table"]').attributes("aria-busy")).toBe("true");
    await w.setProps({ rows, loading: false });
    expect(w.find('[data-testid="nothing"]').exists()).toBe(false);
    expect(w.find(".el-loading-mask").exists()).toBe(false);
    expect(w.findAll('[data-testid="inbox-row"]')).toHaveLength(3);
    w.unmount();
  });

  it("列设置: hidden columns leave the table, a dragged width fixes that column, 工单号 always shows", async () => {
    const w = mountTable({ columns: ["status", "plate", "deadline", "place"], widths: { place: 200 } });
    expect(w.findAll("thead th").map((th) => th.attributes("data-col"))).toEqual(["orderNo", "status", "plate", "deadline", "place"]);
    expect(w.findAll('[data-testid="inbox-row"]')[0].findAll("td")).toHaveLength(5);
    // 地点 is no longer flexible once dragged: one <col> of its own width
    expect(w.findAll("col").map((c) => (c.element as HTMLElement).style.width)).toEqual(["144px", "96px", "136px", "172px", "200px"]);
    w.unmount();
  });

  it("dragging a header's edge emits the new width and the text scale", async () => {
    const w = mountTable({ textSize: 125 });
    const handle = w.get('[data-testid="resize-place"]');
    const th = handle.element.closest("th") as HTMLElement;
    th.getBoundingClientRect = () => ({ width: 100 }) as DOMRect;
    handle.element.dispatchEvent(new MouseEvent("mousedown", { clientX: 500, bubbles: true }));
    window.dispatchEvent(new MouseEvent("mousemove", { clientX: 560 }));
    window.dispatchEvent(new MouseEvent("mouseup", { clientX: 560 }));
    expect(w.emitted("resize")).toEqual([["place", 160, 1.25]]);
    w.unmount();
  });

  it("rows take the focus (Tab) and open with Enter; Enter in a row's tick box does not open it", async () => {
    const w = mountTable({ checked: [] });
    const trs = w.findAll('[data-testid="inbox-row"]');
    expect(trs.every((tr) => tr.attributes("tabindex") === "0")).toBe(true);
    await trs[1].trigger("keydown", { key: "Enter" });
    expect(w.emitted("open")?.[0]?.[1]).toBe(1);
    await trs[1].trigger("keydown", { key: "ArrowDown" });
    expect(w.emitted("open")).toHaveLength(1);
    await trs[2].find('[data-testid="row-check"]').trigger("keydown", { key: "Enter" });
    expect(w.emitted("open")).toHaveLength(1);
    w.unmount();
  });
});
