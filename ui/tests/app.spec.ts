import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import App from "../src/App.vue";
import { useDeskStore } from "../src/stores/desk";
import { i18n } from "../src/i18n";
import { deskStatus, freshPinia, mountApp, settle } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

describe("app shell", () => {
  afterEach(() => {
    document.body.innerHTML = "";
    localStorage.clear();
  });

  it("shows user, jurisdiction, calm offline state, and later-release modules", async () => {
    m.deskStatus.mockResolvedValue({ ...deskStatus });
    m.listInbox.mockResolvedValue({ rows: [], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 0, capped: false });
    const w = mountApp(App, freshPinia());
    await settle();
    const header = document.querySelector(".app-header")!.textContent!;
    expect(header).toContain("李明");
    expect(header).toContain("县区执法人员");
    expect(header).toContain("新乡市 · 长垣市");
    expect(header).toContain("离线工作 · 3 条未发送");
    expect(header).toContain("2026-11-24 星期二");
    expect(document.querySelector('[data-testid="nav-orders"]')).toBeTruthy();
    (document.querySelector('[data-testid="nav-credit"]') as HTMLElement).click();
    await settle();
    expect(document.body.textContent).toContain("信用模块将在后续版本中提供");
    w.unmount();
  });

  it("switches language and text size, persisting both", async () => {
    m.deskStatus.mockResolvedValue({ ...deskStatus });
    m.listInbox.mockResolvedValue({ rows: [], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 0, capped: false });
    const w = mountApp(App, freshPinia());
    await settle();
    const desk = useDeskStore();
    desk.setLocale("en");
    desk.setTextSize(150);
    await settle();
    expect(document.querySelector(".app-header")!.textContent).toContain("Working offline · 3 unsent");
    expect(localStorage.getItem("casedesk.locale")).toBe("en");
    expect(localStorage.getItem("casedesk.textSize")).toBe("150");
    expect(document.documentElement.style.getPropertyValue("--el-font-size-base")).toBe("21px");
    desk.setLocale("zh-CN");
    i18n.global.locale.value = "zh-CN";
    w.unmount();
  });
});
