import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import OrderDrawer from "../src/components/OrderDrawer.vue";
import { useOrderStore } from "../src/stores/order";
import type { ActionKind } from "../src/bindings/ActionKind";
import { useDeskStore } from "../src/stores/desk";
import { deskStatus, freshPinia, makeDetail, makeEvent, makeWhitelistRow, mountApp, settle, waitFor, supervisorStatus } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const ALL_TESTIDS = [
  "action-claim", "action-handle", "action-intercept", "action-notify-authority", "action-record-feedback",
  "action-require-rectification", "action-record-rectification", "action-submit-spot-check", "action-close-groundless",
  "action-spot-check-pass", "action-spot-check-fail", "action-reassign", "action-override-whitelist", "action-return",
  "action-transfer",
];

async function mountWith(allowed: ActionKind[], patch: Parameters<typeof makeDetail>[1] = {}, rowPatch: Parameters<typeof makeDetail>[2] = {}, status = deskStatus) {
  const pinia = freshPinia();
  const order = useOrderStore();
  useDeskStore().status = { ...status };
  m.getOrder.mockResolvedValue(makeDetail(9, { allowed_actions: allowed, ...patch }, rowPatch));
  await order.open(9);
  const w = mountApp(OrderDrawer, pinia, { props: { open: true } });
  await settle();
  return w;
}

function shownActions() {
  return ALL_TESTIDS.filter((id) => document.querySelector(`[data-testid="${id}"]`));
}

describe("order drawer", () => {
  beforeEach(() => vi.clearAllMocks());
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("shows only the allowed actions", async () => {
    const w = await mountWith(["claim"]);
    expect(shownActions()).toEqual(["action-claim"]);
    w.unmount();
  });

  it("follows allowed_actions for a claimed order", async () => {
    const w = await mountWith(["transfer", "return", "intercept", "handle"]);
    // in the screen's own order, whatever order the backend lists them in
    expect(shownActions()).toEqual(["action-handle", "action-intercept", "action-return", "action-transfer"]);
    w.unmount();
  });

  it("shows all actions when all are allowed", async () => {
    const w = await mountWith([
      "claim", "handle", "intercept", "notify_authority", "record_feedback", "close_groundless", "require_rectification",
      "record_rectification", "submit_for_spot_check", "return", "transfer", "spot_check_pass", "spot_check_fail",
      "reassign", "override_whitelist",
    ]);
    expect(shownActions()).toEqual(ALL_TESTIDS);
    w.unmount();
  });

  it("a supervisor's submitted order offers the two verdicts, each with its form", async () => {
    const w = await mountWith(["spot_check_pass", "spot_check_fail"], {}, { status: "submitted", clock_owner: "supervisor" }, supervisorStatus);
    expect(shownActions()).toEqual(["action-spot-check-pass", "action-spot-check-fail"]);
    (document.querySelector('[data-testid="action-spot-check-fail"]') as HTMLElement).click();
    expect((await waitFor('[data-testid="spot_check_fail-form"]')).textContent).toContain("不通过原因");
    (document.querySelector('[data-testid="action-spot-check-pass"]') as HTMLElement).click();
    expect((await waitFor('[data-testid="spot_check_pass-form"]')).textContent).toContain("抽查意见（选填）");
    expect(document.querySelector('[data-testid="spot_check_fail-form"]')).toBeNull();
    w.unmount();
  });

  it("a vehicle without a licensed enterprise shows 无经营许可 and its owner", async () => {
    const w = await mountWith(["claim"], { enterprise: null, vehicle_owner: "刘金凤", driver_name: "", driver_phone: "" }, {
      licensed: false, enterprise_name: "", credit_code: null, clock_owner: "officer", time_left: { unit: "minutes", left: 80 },
      due_at: "2026-11-24 16:03",
    });
    const drawer = document.querySelector('[data-testid="order-drawer"]')!;
    expect(drawer.querySelector('[data-testid="detail-unlicensed"]')!.textContent).toContain("无经营许可（无经营企业）");
    expect(drawer.querySelector('[data-testid="detail-unlicensed"]')!.textContent).toContain("车主：刘金凤");
    expect(drawer.querySelector(".credit-tag")).toBeNull();
    expect(drawer.querySelector('[data-testid="drawer-clock"]')!.textContent).toContain("办理期限 · 剩余 1 小时 20 分");
    expect(drawer.textContent).toContain("不详");
    w.unmount();
  });

  it("an enterprise the platform reported without a grade shows 未评分 and its credit id", async () => {
    const w = await mountWith(["claim"], {
      enterprise: {
        id: 9, name: "长垣市宏达客运有限公司", industry: "scheduled_coach", credit_code: null, credit_score: null,
        credit_id: "91410783MA9XL0HJ8A", county_name: "长垣市",
      },
      driver_name: "刘强", driver_phone: "13903730001",
    }, { credit_code: null });
    const drawer = document.querySelector('[data-testid="order-drawer"]')!;
    const enterprise = drawer.querySelector('[data-testid="detail-enterprise"]')!;
    expect(enterprise.textContent).toContain("长垣市宏达客运有限公司");
    expect(enterprise.querySelector(".credit-tag")).toBeNull();
    expect(enterprise.querySelector('[data-testid="detail-ungraded"]')!.textContent).toBe("未评分");
    expect(enterprise.querySelector('[data-testid="detail-credit-id"]')!.textContent).toBe("统一社会信用代码 91410783MA9XL0HJ8A");
    expect(drawer.textContent).toContain("刘强");
    w.unmount();
  });

  it("names someone else's clock and says so when a colleague has the order", async () => {
    const w = await mountWith([], {}, {
      status: "claimed", claimed_by: "蔡保国", clock_owner: "officer", time_left: { unit: "minutes", left: -35 }, waits_for_me: false,
    });
    const clock = document.querySelector('[data-testid="drawer-clock"] [data-testid="clock"]')!;
    expect(clock.textContent).toContain("蔡保国的办理期限 · 超时 35 分钟");
    expect(clock.getAttribute("data-level")).toBe("others");
    expect(document.querySelector('[data-testid="no-actions"]')!.textContent).toBe("该工单已由蔡保国认领，由认领人办理。");
    w.unmount();
  });

  it("shows the whitelist kind, the written order, the notice, the outcome and the vehicle's records", async () => {
    const w = await mountWith([], {
      whitelist: "repeated_clean_interception",
      interception_override: "涉嫌超员，需拦截核实",
      notice_authority: "长垣市公安局交通管理大队",
      feedback_due: "2026-12-04",
      outcome: "groundless",
      vehicle: {
        plate: "豫G12345",
        interceptions: [
          { order_id: 9, order_no: "GD2026112400009", at: "2026-11-25 10:00", actor: "张伟", outcome: "nothing_found", overridden: true },
          { order_id: 3, order_no: "GD2026112000003", at: "2026-11-20 10:00", actor: "谢杰", outcome: "vehicle_not_found", overridden: false },
        ],
        whitelist: [makeWhitelistRow(1, { status: "approved", decided_by: "王主任", decision_reason: "核实无违法记录" }, { in_force: true })],
      },
    }, { status: "closed", whitelisted: true, clock_owner: null, time_left: null, due_at: null });
    const drawer = document.querySelector('[data-testid="order-drawer"]')!;
    expect(drawer.querySelector('[data-testid="detail-whitelist"]')!.textContent).toBe("多次拦截未发现违法");
    expect(drawer.querySelector('[data-testid="detail-override"]')!.textContent).toBe("涉嫌超员，需拦截核实");
    expect(drawer.textContent).toContain("长垣市公安局交通管理大队");
    expect(drawer.querySelector('[data-testid="detail-outcome"]')!.textContent).toBe("核查无违法");
    const rows = [...drawer.querySelectorAll('[data-testid="vehicle-interceptions"] tbody tr')].map((r) => r.textContent!);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain("2026-11-25 10:00");
    expect(rows[0]).toContain("本工单");
    expect(rows[0]).toContain("拦截到车辆，未发现违法行为");
    expect(rows[0]).toContain("经书面布控指令");
    expect(rows[1]).toContain("谢杰");
    expect(rows[1]).not.toContain("经书面布控指令");
    const wl = drawer.querySelector('[data-testid="vehicle-whitelist"] tbody tr')!.textContent!;
    expect(wl).toContain("多次拦截未发现违法");
    expect(wl).toContain("已批准");
    expect(wl).toContain("生效中");
    expect(wl).toContain("2026-11-20 起");
    expect(wl).toContain("王主任：核实无违法记录");
    w.unmount();
  });

  it("words the timeline by event: outcomes, return reasons, notices, reassignment", async () => {
    const w = await mountWith([], {
      timeline: [
        makeEvent(1, "created", { actor: "省平台" }),
        makeEvent(2, "intercepted", { interception: "violation_found", notes: "车上 5 名乘客" }),
        makeEvent(3, "authority_notified", { to_unit: "长垣市公安局", notes: "请依法查处", deadline: "2026-12-04" }),
        makeEvent(4, "returned", { reason_code: "not_our_county", reason: null }),
        makeEvent(5, "reassigned", { actor: "王主任", to_unit: "辉县市", reason: "车辆属辉县市" }),
        makeEvent(6, "whitelist_overridden", { actor: "王主任", reason: "涉嫌超员" }),
      ],
    });
    const entries = [...document.querySelectorAll('[data-testid="timeline"] .timeline-entry')].map((e) => e.textContent!);
    expect(entries[1]).toContain("布控拦截");
    expect(entries[1]).toContain("拦截结果拦截到车辆，发现违法行为");
    expect(entries[2]).toContain("抄告单位长垣市公安局");
    expect(entries[2]).toContain("抄告内容请依法查处");
    expect(entries[2]).toContain("反馈期限2026-12-04");
    expect(entries[3]).toContain("退回原因非本辖区");
    expect(entries[4]).toContain("改派县区辉县市");
    expect(entries[5]).toContain("书面布控指令");
    expect(entries[5]).toContain("布控理由涉嫌超员");
    w.unmount();
  });

  it("renders facts and a timeline with kinds", async () => {
    const w = await mountWith(["claim"]);
    const drawer = document.querySelector('[data-testid="order-drawer"]')!;
    expect(drawer.querySelector('[data-testid="order-no"]')!.textContent).toBe("GD2026112400009");
    expect(drawer.querySelector('[data-testid="order-status"]')!.textContent).toContain("待认领");
    const entries = drawer.querySelectorAll('[data-testid="timeline"] .timeline-entry');
    expect(entries).toHaveLength(1);
    expect(entries[0].getAttribute("data-kind")).toBe("created");
    expect(entries[0].textContent).toContain("生成工单");
    expect(drawer.textContent).toContain("黄码");
    expect(drawer.querySelector('[data-testid="drawer-clock"]')!.textContent).toContain("办理期限 · 剩余 2 个工作日");
    w.unmount();
  });

  it("claim calls the command and updates the buttons", async () => {
    const w = await mountWith(["claim"]);
    m.claimOrder.mockResolvedValue(makeDetail(9, { allowed_actions: ["handle"] }, { status: "claimed" }));
    m.deskStatus.mockResolvedValue({} as never);
    (document.querySelector('[data-testid="action-claim"]') as HTMLElement).click();
    await settle();
    expect(m.claimOrder).toHaveBeenCalledWith(9);
    expect(shownActions()).toEqual(["action-handle"]);
    expect(document.querySelector('[data-testid="order-status"]')!.textContent).toContain("已认领");
    w.unmount();
  });
});
