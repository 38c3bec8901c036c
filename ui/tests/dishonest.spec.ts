import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { useDeskStore } from "../src/stores/desk";
import DishonestDrawer from "../src/components/permit/DishonestDrawer.vue";
import type { DishonestView } from "../src/bindings/DishonestView";
import { deskStatus, freshPinia, mountApp, settle, settleErrors, deskStaffStatus, supervisorStatus } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

function entry(id: number, patch: Partial<DishonestView> = {}): DishonestView {
  return {
    id,
    credit_id: "91410783MA9XL0HJ8A",
    enterprise_name: "长垣市宏达重型运输有限公司",
    division: "410783",
    behaviour: "测量视频剪辑拼接，虚报外廓尺寸",
    penalty: { grade: "fast_track_removed" },
    listed_on: "2026-11-02",
    repair_conditions: "整改到位并公开信用承诺满一年",
    repaired_on: null,
    in_force: true,
    closes_fast_track: true,
    ...patch,
  };
}

function type(testid: string, value: string, selector = "input") {
  const el = document.querySelector(`[data-testid="${testid}"] ${selector}`) as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new Event("input"));
  el.dispatchEvent(new Event("blur"));
}

describe("失信企业库 drawer", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("lists the entries with penalty and state; an officer cannot list or repair", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.dishonestList.mockResolvedValue([
      entry(2),
      entry(1, { penalty: { grade: "fast_track_suspended", until: "2027-01-31" }, repaired_on: "2026-11-20", in_force: false, closes_fast_track: false }),
    ]);
    const w = mountApp(DishonestDrawer, pinia, { props: { open: true } });
    await settle();
    const table = document.querySelector('[data-testid="dishonest-table"]')!;
    expect(table.textContent).toContain("取消信用+申报");
    expect(table.textContent).toContain("暂停信用+申报（至 2027-01-31）");
    const states = [...document.querySelectorAll('[data-testid="dishonest-state"]')].map((e) => e.textContent);
    expect(states).toEqual(["在库，信用+申报不可用", "已修复（2026-11-20）"]);
    expect(document.querySelector('[data-testid="dishonest-add"]')).toBeNull();
    expect(document.querySelector('[data-testid="dishonest-repair"]')).toBeNull();
    w.unmount();
  });

  it("desk staff list a carrier: the form checks the credit id and a suspension's last day", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStaffStatus };
    m.dishonestList.mockResolvedValue([]);
    m.listDishonest.mockResolvedValue(entry(3, { penalty: { grade: "fast_track_suspended", until: "2099-06-30" } }));
    const w = mountApp(DishonestDrawer, pinia, { props: { open: true } });
    await settle();
    (document.querySelector('[data-testid="dishonest-add"]') as HTMLElement).click();
    await settle();
    type("dishonest-credit-id", "91410783MA9XL0HJ8");
    type("dishonest-name", "长垣市宏达重型运输有限公司");
    type("dishonest-behaviour", "测量视频剪辑拼接", "textarea");
    type("dishonest-repair-conditions", "整改到位", "textarea");
    (document.querySelector('[data-testid="dishonest-grade-fast_track_suspended"] input') as HTMLInputElement).click();
    await settle();
    (document.querySelector('[data-testid="dishonest-submit"]') as HTMLElement).click();
    await settleErrors();
    const form = document.querySelector('[data-testid="dishonest-form"]')!;
    expect(form.textContent).toContain("18 位");
    expect(form.textContent).toContain("截止日期");
    expect(m.listDishonest).not.toHaveBeenCalled();

    type("dishonest-credit-id", "91410783ma9xl0hj8a");
    type("dishonest-until", "2099-06-30");
    await settle();
    (document.querySelector('[data-testid="dishonest-submit"]') as HTMLElement).click();
    await settle(10);
    expect(m.listDishonest).toHaveBeenCalledWith(
      "91410783MA9XL0HJ8A",
      "长垣市宏达重型运输有限公司",
      "测量视频剪辑拼接",
      { grade: "fast_track_suspended", until: "2099-06-30" },
      "整改到位",
    );
    expect(m.dishonestList).toHaveBeenCalledTimes(2);
    expect(w.emitted("changed")).toHaveLength(1);
    w.unmount();
  });

  it("a repair asks first, then goes to the hub; offline it says why and nothing changes", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...supervisorStatus, user_name: "zhao.lei" };
    m.dishonestList.mockResolvedValue([entry(2)]);
    m.repairDishonest.mockRejectedValue(appError("offline", "hub_offline", { url: "http://127.0.0.1:8740", detail: "connection refused" }));
    const w = mountApp(DishonestDrawer, pinia, { props: { open: true } });
    await settle();
    // The table's body: Element Plus also renders each column once, empty, to read its config.
    (document.querySelector('.el-table__body [data-testid="dishonest-repair"]') as HTMLElement).click();
    await settle();
    const box = document.querySelector(".el-message-box")!;
    expect(box.textContent).toContain("不能撤销");
    expect(m.repairDishonest).not.toHaveBeenCalled();
    (box.querySelector(".el-button--primary") as HTMLElement).click();
    await settle(10);
    expect(m.repairDishonest).toHaveBeenCalledWith(2);
    expect(w.emitted("changed")).toBeUndefined();
    w.unmount();
  });
});
