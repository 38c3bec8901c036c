// Feedback that never hangs: 撤销 after a claim, a failed load with its reason and 重试 (inbox, order,
// header), and messages placed below the drawer's head.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import OrderDrawer from "../src/components/OrderDrawer.vue";
import AppHeader from "../src/components/AppHeader.vue";
import InboxView from "../src/views/InboxView.vue";
import { useOrderStore } from "../src/stores/order";
import { useDeskStore } from "../src/stores/desk";
import { useInboxStore } from "../src/stores/inbox";
import { messagePlacement, MESSAGE_GAP } from "../src/utils/placement";
import { UNDO_SECONDS } from "../src/utils/undo";
import { appError } from "./app-error";
import { deskStatus, freshPinia, makeDetail, makeRow, mountApp, settle, waitFor } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const locked = appError("database_locked", "database_locked");
const sent = appError("refused_transition", "undo_already_sent");

function messages(): string[] {
  return [...document.querySelectorAll(".el-message")].map((e) => e.textContent ?? "");
}

async function drawerWithClaim() {
  const pinia = freshPinia();
  useDeskStore().status = { ...deskStatus };
  m.getOrder.mockResolvedValue(makeDetail(9, { allowed_actions: ["claim"] }));
  await useOrderStore().open(9);
  const w = mountApp(OrderDrawer, pinia, { props: { open: true } });
  await settle();
  m.claimOrder.mockResolvedValue(makeDetail(9, { allowed_actions: ["handle", "return"] }, { status: "claimed", claimed_by: "李明" }));
  (document.querySelector('[data-testid="action-claim"]') as HTMLElement).click();
  await settle(10);
  return w;
}

describe("撤销 after a claim", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.deskStatus.mockResolvedValue({ ...deskStatus });
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = "";
  });

  it("offers 撤销 with the claim's message; clicking it restores the order everywhere", async () => {
    const w = await drawerWithClaim();
    expect(messages().join()).toContain("已认领工单 GD2026112400009");
    const undo = await waitFor('[data-testid="undo-button"]');
    expect(undo.textContent).toContain("撤销");
    const inbox = useInboxStore();
    inbox.rows = [makeRow(9, { status: "claimed", claimed_by: "李明" })];
    m.undoClaim.mockResolvedValue(makeDetail(9, { allowed_actions: ["claim"] }));
    undo.click();
    await settle(10);
    expect(m.undoClaim).toHaveBeenCalledWith(9);
    expect(useOrderStore().detail?.row.status).toBe("pending");
    expect(inbox.rows[0].status).toBe("pending");
    expect(m.deskStatus).toHaveBeenCalled();
    expect(messages().join()).toContain("已撤销对工单 GD2026112400009 的认领");
    expect(document.querySelector('[data-testid="action-claim"]')).not.toBeNull();
    w.unmount();
  });

  it("a refused undo (the claim was synced meanwhile) says why and leaves the order claimed", async () => {
    const w = await drawerWithClaim();
    m.undoClaim.mockRejectedValue(sent);
    (await waitFor('[data-testid="undo-button"]')).click();
    await settle(10);
    expect(messages().join()).toContain("认领已同步到上级平台，不能再撤销");
    expect(useOrderStore().detail?.row.status).toBe("claimed");
    w.unmount();
  });

  it(`the offer goes away after ${UNDO_SECONDS} seconds`, async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const w = await drawerWithClaim();
    expect(document.querySelector('[data-testid="undo-button"]')).not.toBeNull();
    await vi.advanceTimersByTimeAsync(UNDO_SECONDS * 1000 + 1000);
    await settle();
    const still = document.querySelector<HTMLElement>('[data-testid="undo-button"]');
    // Element Plus hides the message (v-show) before removing it after its leave transition.
    expect(still === null || still.closest<HTMLElement>(".el-message")!.style.display === "none").toBe(true);
    w.unmount();
  });
});

describe("a failed load shows its reason and 重试", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = "";
  });

  it("the inbox list: an alert above the table, and 重试 loads it", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.listInbox.mockRejectedValue(locked);
    m.countInbox.mockResolvedValue({ total: 1, capped: false });
    const w = mountApp(InboxView, pinia);
    await settle(10);
    const alert = await waitFor('[data-testid="inbox-error"]');
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("工单列表读取失败：本地缓存正被另一个 CaseDesk 程序使用");
    m.listInbox.mockResolvedValue({ rows: [makeRow(1)], page: 1, page_size: 50, has_more: false });
    (document.querySelector('[data-testid="inbox-retry"]') as HTMLElement).click();
    await settle(10);
    expect(document.querySelector('[data-testid="inbox-error"]')).toBeNull();
    expect(document.querySelectorAll('[data-testid="inbox-row"]')).toHaveLength(1);
    w.unmount();
  });

  it("the order drawer: the reason in the drawer, and 重试 opens the order", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.getOrder.mockRejectedValue(locked);
    await useOrderStore().open(9).catch(() => undefined);
    const w = mountApp(OrderDrawer, pinia, { props: { open: true } });
    await settle();
    const box = await waitFor('[data-testid="drawer-error"]');
    expect(box.textContent).toContain("工单读取失败：本地缓存正被另一个 CaseDesk 程序使用");
    m.getOrder.mockResolvedValue(makeDetail(9));
    (document.querySelector('[data-testid="drawer-retry"]') as HTMLElement).click();
    await settle(10);
    expect(m.getOrder).toHaveBeenLastCalledWith(9);
    expect(document.querySelector('[data-testid="drawer-error"]')).toBeNull();
    expect(document.querySelector('[data-testid="order-no"]')!.textContent).toBe("GD2026112400009");
    w.unmount();
  });

  it("the header: the counts' failure is said beside them, and 重试 reads them again", async () => {
    const pinia = freshPinia();
    const desk = useDeskStore();
    m.deskStatus.mockRejectedValue(locked);
    await desk.loadStatus();
    const w = mountApp(AppHeader, pinia);
    await settle();
    const err = await waitFor('[data-testid="header-error"]');
    expect(err.textContent).toContain("状态读取失败");
    expect(err.textContent).toContain("本地缓存正被另一个 CaseDesk 程序使用");
    m.deskStatus.mockResolvedValue({ ...deskStatus });
    (document.querySelector('[data-testid="header-retry"]') as HTMLElement).click();
    await settle(10);
    expect(document.querySelector('[data-testid="header-error"]')).toBeNull();
    expect(document.querySelector('[data-testid="user-name"]')!.textContent).toBe("李明");
    w.unmount();
  });
});

describe("where messages appear", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("top right, below the window's header and an open drawer's head", () => {
    const rect = (bottom: number, height: number) => () => ({ bottom, height, top: bottom - height }) as DOMRect;
    expect(messagePlacement()).toEqual({ placement: "top-right", offset: MESSAGE_GAP });
    const header = document.createElement("header");
    header.className = "app-header";
    header.getBoundingClientRect = rect(48, 48);
    document.body.append(header);
    expect(messagePlacement().offset).toBe(48 + MESSAGE_GAP);
    const drawer = document.createElement("div");
    drawer.className = "order-drawer-el";
    const head = document.createElement("header");
    head.className = "el-drawer__header";
    head.getBoundingClientRect = rect(77, 60);
    drawer.append(head);
    document.body.append(drawer);
    expect(messagePlacement().offset).toBe(77 + MESSAGE_GAP);
    const orderHead = document.createElement("div");
    orderHead.className = "drawer-head";
    orderHead.getBoundingClientRect = rect(112, 30);
    drawer.append(orderHead);
    expect(messagePlacement().offset).toBe(112 + MESSAGE_GAP);
    orderHead.remove();
    // a closed drawer (not laid out) does not push messages down
    head.getBoundingClientRect = rect(0, 0);
    expect(messagePlacement().offset).toBe(48 + MESSAGE_GAP);
  });
});
