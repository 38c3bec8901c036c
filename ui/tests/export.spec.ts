import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import InboxView from "../src/views/InboxView.vue";
import { useDeskStore } from "../src/stores/desk";
import { useExportStore } from "../src/stores/export";
import { deskStatus, freshPinia, makeRow, mountApp, settle } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

describe("导出Excel", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0));
    m.listInbox.mockResolvedValue({ rows: [makeRow(1), makeRow(2)], page: 1, page_size: 50, has_more: true });
    m.countInbox.mockResolvedValue({ total: 1234, capped: false });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.innerHTML = "";
  });

  it("the store polls progress while the backend writes, and stops after", async () => {
    vi.useFakeTimers();
    freshPinia();
    const s = useExportStore();
    let finish: (v: { rows: number; path: string; millis: number }) => void = () => undefined;
    m.exportInbox.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    m.exportProgress.mockResolvedValue(500);
    const query = { ...(await import("../src/stores/inbox")).defaultQuery(), search: "王强" };
    const done = s.run(query, "/tmp/a.xlsx", 1234);
    expect(s.running).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(s.written).toBe(500);
    finish({ rows: 1234, path: "/tmp/a.xlsx", millis: 900 });
    await done;
    expect(s.running).toBe(false);
    expect(s.written).toBe(1234);
    const polls = m.exportProgress.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.exportProgress.mock.calls.length).toBe(polls);
    expect(m.exportInbox).toHaveBeenCalledWith(query, "/tmp/a.xlsx");
  });

  it("asks where to save, exports the current filters (not the page) and says where it went", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const w = mountApp(InboxView, pinia);
    await settle();
    m.pickExportPath.mockResolvedValue("/home/zw/工单导出.xlsx");
    m.exportInbox.mockResolvedValue({ rows: 1234, path: "/home/zw/工单导出.xlsx", millis: 1500 });
    const button = document.querySelector('[data-testid="export-button"]') as HTMLElement;
    expect(button.textContent).toContain("导出Excel");
    button.click();
    await settle(10);
    expect(m.pickExportPath.mock.lastCall![0]).toMatch(/^工单导出-\d{8}-\d{4}\.xlsx$/);
    const [query, path] = m.exportInbox.mock.lastCall!;
    expect(path).toBe("/home/zw/工单导出.xlsx");
    expect(query).toMatchObject({ open_only: true, page: 1 });
    expect(document.body.textContent).toContain("已导出 1,234 条工单到 /home/zw/工单导出.xlsx");
    w.unmount();
  });

  it("does nothing when the save dialog is cancelled, and shows a failure's reason", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const w = mountApp(InboxView, pinia);
    await settle();
    const button = document.querySelector('[data-testid="export-button"]') as HTMLElement;
    m.pickExportPath.mockResolvedValue(null);
    button.click();
    await settle();
    expect(m.exportInbox).not.toHaveBeenCalled();

    m.pickExportPath.mockResolvedValue("/nowhere/a.xlsx");
    m.exportInbox.mockRejectedValue(
      api.toDeskError(appError("invalid_input", "folder_missing", { path: "/nowhere" })),
    );
    button.click();
    await settle(10);
    expect(document.body.textContent).toContain("文件夹 /nowhere 不存在");
    w.unmount();
  });
});
