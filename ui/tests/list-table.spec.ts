import { afterEach, describe, expect, it } from "vitest";
import { h, nextTick } from "vue";
import ListTable from "../src/components/ListTable.vue";
import { useDeskStore } from "../src/stores/desk";
import { freshPinia, mountApp } from "./helpers";

const COLUMNS = [{ key: "key", width: 200 }, { key: "reason" }, { key: "refusedAt", width: 140 }] as const;

function mountTable(props: Record<string, unknown> = {}, slots: Record<string, () => unknown> = {}) {
  return mountApp(ListTable, freshPinia(), {
    props: { columns: COLUMNS, labels: "sync.columns", flexWidth: 260, ...props },
    slots: { default: () => h("tr", { "data-testid": "row" }, [h("td", "a"), h("td", "b"), h("td", "c")]), ...slots },
  });
}

afterEach(() => {
  document.body.innerHTML = "";
  localStorage.clear();
});

describe("ListTable", () => {
  it("labels each column from the catalogue and keeps the caller's rows", () => {
    const w = mountTable();
    expect(w.findAll("th").map((th) => th.text())).toEqual(["工单号/车牌", "拒绝原因与处理办法", "拒绝时间"]);
    expect(w.findAll("tbody [data-testid=row]")).toHaveLength(1);
  });

  it("scales the given widths with the text size and counts a free column at its share", async () => {
    const w = mountTable();
    const widths = () => w.findAll("col").map((c) => (c.element as HTMLElement).style.width);
    expect(widths()).toEqual(["200px", "", "140px"]);
    expect((w.find("table").element as HTMLElement).style.minWidth).toBe("600px");

    useDeskStore().setTextSize(150);
    await nextTick();
    expect(widths()).toEqual(["300px", "", "210px"]);
    expect((w.find("table").element as HTMLElement).style.minWidth).toBe("900px");
  });

  it("greys the rows under a spinner while busy, and shows the empty slot's reason", async () => {
    const w = mountTable({ busy: true }, { empty: () => h("div", { "data-testid": "empty" }, "没有数据") });
    expect(w.find(".inbox-table").attributes("aria-busy")).toBe("true");
    expect(w.find(".el-loading-mask").exists()).toBe(true);
    expect(w.find("[data-testid=empty]").text()).toBe("没有数据");
    await w.setProps({ busy: false });
    expect(w.find(".el-loading-mask").exists()).toBe(false);
  });
});
