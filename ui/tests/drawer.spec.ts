import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import OrderDrawer from "../src/components/OrderDrawer.vue";
import { useOrderStore } from "../src/stores/order";
import type { ActionKind } from "../src/bindings/ActionKind";
import { freshPinia, makeDetail, mountApp, settle } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const ALL_TESTIDS = [
  "action-claim", "action-handle", "action-require-rectification", "action-record-rectification",
  "action-submit-spot-check", "action-return", "action-transfer",
];

async function mountWith(allowed: ActionKind[], patch = {}) {
  const pinia = freshPinia();
  const order = useOrderStore();
  m.getOrder.mockResolvedValue(makeDetail(9, { allowed_actions: allowed, ...patch }));
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
    const w = await mountWith(["handle", "return", "transfer", "spot_check_pass"]);
    expect(shownActions()).toEqual(["action-handle", "action-return", "action-transfer"]);
    w.unmount();
  });

  it("shows all actions when all are allowed", async () => {
    const w = await mountWith(["claim", "handle", "require_rectification", "record_rectification", "submit_for_spot_check", "return", "transfer"]);
    expect(shownActions()).toEqual(ALL_TESTIDS);
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
    expect(drawer.textContent).toContain("剩余 2 个工作日");
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
