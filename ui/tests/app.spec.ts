import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import App from "../src/App.vue";
import { useDeskStore } from "../src/stores/desk";
import { i18n } from "../src/i18n";
import type { DeskStatus } from "../src/bindings/DeskStatus";
import type { InboxRow } from "../src/bindings/InboxRow";
import { deskStatus, freshPinia, makeRow, mountApp, settle, waitFor, supervisorStatus } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

/** The whole window over the mocked backend: `status` at the desk and `rows` in the inbox. */
async function mountShell(status: DeskStatus = { ...deskStatus }, rows: InboxRow[] = []) {
  m.deskStatus.mockResolvedValue(status);
  m.listInbox.mockResolvedValue({ rows, page: 1, page_size: 50, has_more: false });
  m.countInbox.mockResolvedValue({ total: rows.length, capped: false });
  const w = mountApp(App, freshPinia());
  await settle();
  return w;
}

describe("app shell", () => {
  afterEach(() => {
    document.body.innerHTML = "";
    localStorage.clear();
  });

  it("shows user, jurisdiction, calm offline state, and later-release modules", async () => {
    const w = await mountShell();
    const header = document.querySelector(".app-header")!.textContent!;
    expect(header).toContain("李明");
    expect(header).toContain("县区执法人员");
    expect(header).toContain("新乡市 · 长垣市");
    expect(header).toContain("离线工作 · 3 条未发送");
    // The working day sits at the foot of the navigation, with the 显示 control.
    expect(document.querySelector('[data-testid="today"]')!.textContent).toContain("2026-11-24 星期二");
    expect(document.querySelector('.app-nav [data-testid="display-settings"]')).toBeTruthy();
    expect(document.querySelector('[data-testid="nav-orders"]')).toBeTruthy();
    (document.querySelector('[data-testid="nav-credit"]') as HTMLElement).click();
    await settle();
    expect(document.body.textContent).toContain("信用模块将在后续版本中提供");
    w.unmount();
  });

  it("同步 opens the sync page (loaded when first visited); the header tag leads there too", async () => {
    const w = await mountShell();
    expect(m.syncOverview).toHaveBeenCalled();
    expect(document.querySelector('[data-testid="sync-view"]')).toBeNull();
    (document.querySelector('[data-testid="sync-state"]') as HTMLElement).click();
    expect((await waitFor('[data-testid="sync-signin"]')).textContent).toContain("登录上级平台");
    expect(document.body.textContent).not.toContain("同步模块将在后续版本中提供");
    (document.querySelector('[data-testid="nav-orders"]') as HTMLElement).click();
    await settle();
    (document.querySelector('[data-testid="nav-sync"]') as HTMLElement).click();
    await settle();
    expect((document.querySelector('[data-testid="sync-view"]') as HTMLElement).style.display).not.toBe("none");
    w.unmount();
  });

  it("switches language and text size, persisting both", async () => {
    const w = await mountShell();
    const desk = useDeskStore();
    // Both choices sit behind the 显示 button, which names what is in use.
    const button = document.querySelector('[data-testid="display-settings"]') as HTMLElement;
    expect(button.textContent).toContain("100% · 中文");
    button.click();
    await waitFor('[data-testid="display-settings-panel"]');
    (document.querySelector('[data-testid="language-switch"] input[value="en"]') as HTMLInputElement).click();
    (document.querySelector('[data-testid="text-size"] input[value="150"]') as HTMLInputElement).click();
    await settle();
    expect(desk.locale).toBe("en");
    expect(button.textContent).toContain("150% · English");
    expect(document.querySelector(".app-header")!.textContent).toContain("Working offline · 3 unsent");
    expect(localStorage.getItem("casedesk.locale")).toBe("en");
    expect(localStorage.getItem("casedesk.textSize")).toBe("150");
    expect(document.documentElement.style.getPropertyValue("--el-font-size-base")).toBe("21px");
    desk.setLocale("zh-CN");
    i18n.global.locale.value = "zh-CN";
    w.unmount();
  });

  it("Ctrl + and Ctrl − step the text size, Ctrl 0 resets it", async () => {
    const w = await mountShell();
    const desk = useDeskStore();
    const press = (key: string) => window.dispatchEvent(new KeyboardEvent("keydown", { key, ctrlKey: true, cancelable: true }));
    press("=");
    expect(desk.textSize).toBe(125);
    press("+");
    press("+");
    expect(desk.textSize).toBe(150);
    press("-");
    expect(desk.textSize).toBe(125);
    press("0");
    expect(desk.textSize).toBe(100);
    // Without Ctrl the keys are text.
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "=" }));
    expect(desk.textSize).toBe(100);
    w.unmount();
  });

  it("shows 实时预警 N 件 while minutes clocks run, and nothing when none do", async () => {
    const w = await mountShell({ ...deskStatus, running_alarms: 3 });
    expect(document.querySelector('[data-testid="running-alarms"]')!.textContent).toContain("实时预警 3 件");
    useDeskStore().status = { ...deskStatus, running_alarms: 0 };
    await settle();
    expect(document.querySelector('[data-testid="running-alarms"]')).toBeNull();
    w.unmount();
  });

  it("offers 待抽查 and 白名单 in the navigation; 待抽查 lists the submitted orders on their own", async () => {
    m.listWhitelist.mockResolvedValue([]);
    const w = await mountShell({ ...deskStatus }, [makeRow(1)]);
    const nav = [...document.querySelectorAll(".app-menu .el-menu-item")].map((e) => e.textContent!.trim());
    expect(nav.slice(0, 3)).toEqual(["工单", "待抽查", "白名单"]);
    expect(document.querySelector('[data-testid="spot-check-view"]')).toBeNull();
    (document.querySelector('[data-testid="nav-spot_check"]') as HTMLElement).click();
    await settle();
    expect(m.listInbox.mock.lastCall![0]).toMatchObject({ status: ["submitted"], open_only: true });
    const view = document.querySelector('[data-testid="spot-check-view"]')!;
    expect(view.textContent).toContain("待抽查");
    expect(view.querySelector('[data-testid="filter-status"]')).toBeNull();
    expect(view.querySelector('[data-testid="spot-check-read-only"]')!.textContent).toContain("监管负责人");
    (document.querySelector('[data-testid="nav-whitelist"]') as HTMLElement).click();
    expect((await waitFor('[data-testid="whitelist-view"]')).textContent).toContain("白名单");
    await settle();
    expect(m.listWhitelist).toHaveBeenCalledWith(null, null);
    w.unmount();
  });

  it("switches who works at the desk: 王主任 as supervisor, and the lists reload", async () => {
    const w = await mountShell({ ...deskStatus, user_name: "张伟" }, [makeRow(1)]);
    const before = m.listInbox.mock.calls.length;
    (document.querySelector('[data-testid="user-button"]') as HTMLElement).click();
    const user = (await waitFor('[data-testid="profile-user"] input')) as HTMLInputElement;
    expect(user.value).toBe("张伟");
    user.value = "王主任";
    user.dispatchEvent(new Event("input"));
    (document.querySelector('[data-testid="profile-role-supervisor"] input') as HTMLInputElement).click();
    m.setProfile.mockResolvedValue({ ...supervisorStatus });
    await settle(1);
    (document.querySelector('[data-testid="profile-submit"]') as HTMLElement).click();
    await settle(10);
    expect(m.setProfile).toHaveBeenCalledWith("王主任", "supervisor", "410783");
    expect(document.querySelector('[data-testid="user-name"]')!.textContent).toBe("王主任");
    expect(document.querySelector('[data-testid="user-role"]')!.textContent).toBe("监管负责人");
    expect(document.body.textContent).toContain("已切换为 王主任（监管负责人）");
    expect(m.listInbox.mock.calls.length).toBeGreaterThan(before);
    w.unmount();
  });
});
