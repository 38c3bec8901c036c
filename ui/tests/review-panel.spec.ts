import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { useDeskStore } from "../src/stores/desk";
import ReviewPanel from "../src/components/permit/ReviewPanel.vue";
import type { ReviewView } from "../src/bindings/ReviewView";
import type { ReviewDraft } from "../src/bindings/ReviewDraft";
import { atLabel } from "../src/utils/permit";
import { freshPinia, mountApp, settle, deskStaffStatus } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

const VIDEO = "ab".repeat(32);
const PHOTO = "cd".repeat(32);

function item(code: string, label: string) {
  return { code, label_zh: label, label_en: code, notice_zh: `${label}不符`, notice_en: `${code} not met`, classes: ["two" as const] };
}

function view(patch: Partial<ReviewView> = {}): ReviewView {
  return {
    application_id: "DJ202611300000021",
    carrier_name: "长垣市宏达重型运输有限公司",
    day: "2026-11-30",
    class: "two",
    checklist: [item("plates_match", "牵引车、挂车号牌与行驶证一致"), item("continuous_shot", "测量视频为一镜到底、无剪辑")],
    draft: {
      items: [],
      notes: [
        { sha256: VIDEO, at_ms: 125_500, text: "第二处读数" },
        { sha256: VIDEO, at_ms: 3_250, text: "卷尺入镜" },
      ],
    },
    verdict: null,
    refused_code: null,
    editable: true,
    missing: [],
    materials: [
      { material: "measurement_video", name_zh: "测量视频", name_en: "measurement video", file_name: "measurement.mp4", sha256: VIDEO, size: 1000, mime: "video/mp4" },
      { material: "watermarked_photos", name_zh: "水印照片", name_en: "watermarked photos", file_name: "front.jpg", sha256: PHOTO, size: 1000, mime: "image/jpeg" },
    ],
    notice: { received_on: "2026-11-30", due: "2026-12-07", days_left: 4, given_on: null, late: false },
    notice_lines: [],
    ...patch,
  };
}

/** What the backend answers a save: the draft as given. */
function echoSave() {
  m.savePermitReview.mockImplementation(async (_id: string, draft: ReviewDraft) => view({ draft }));
}

function mountPanel() {
  const pinia = freshPinia();
  useDeskStore().status = { ...deskStaffStatus };
  return mountApp(ReviewPanel, pinia, { props: { applicationId: "DJ202611300000021" } });
}

describe("the review panel", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("shows times as mm:ss.mmm", () => {
    expect(atLabel(3_250)).toBe("00:03.250");
    expect(atLabel(125_500)).toBe("02:05.500");
    expect(atLabel(3_600_001)).toBe("60:00.001");
  });

  it("lists the checklist, the notes by time (a click seeks) and the notice clock", async () => {
    m.permitReview.mockResolvedValue(view());
    const w = mountPanel();
    await settle();
    expect(m.permitReview).toHaveBeenCalledWith("DJ202611300000021");
    const items = [...document.querySelectorAll(".review-item")];
    expect(items.map((i) => i.getAttribute("data-item"))).toEqual(["plates_match", "continuous_shot"]);
    expect(items[0].getAttribute("data-state")).toBe("open");
    const times = [...document.querySelectorAll('[data-testid="review-note-at"]')].map((e) => e.textContent!.trim());
    expect(times).toEqual(["00:03.250", "02:05.500"]);
    (document.querySelectorAll('[data-testid="review-note-at"]')[1] as HTMLElement).click();
    expect(w.emitted("seek")).toEqual([[VIDEO, 125_500]]);
    expect(document.querySelector('[data-testid="review-clock"]')!.textContent).toContain("2026-12-07");
    expect(document.querySelector('[data-testid="review-clock"]')!.textContent).toContain("剩余 4 个工作日");
    w.unmount();
  });

  it("an overdue notice clock says the application counts as accepted", async () => {
    m.permitReview.mockResolvedValue(view({ notice: { received_on: "2026-11-20", due: "2026-11-27", days_left: -1, given_on: null, late: true } }));
    const w = mountPanel();
    await settle();
    const clock = document.querySelector('[data-testid="review-clock"]')!;
    expect(clock.classList.contains("is-overdue")).toBe(true);
    expect(clock.textContent).toContain("视为受理");
    w.unmount();
  });

  it("keeps marks and remarks as a draft through the backend", async () => {
    m.permitReview.mockResolvedValue(view());
    echoSave();
    const w = mountPanel();
    await settle();
    const shot = document.querySelector('[data-item="continuous_shot"]')!;
    (shot.querySelector('[data-testid="review-not-met"]') as HTMLElement).click();
    await settle();
    const remark = shot.querySelector('input[data-testid="review-remark"], [data-testid="review-remark"] input') as HTMLInputElement;
    remark.value = "01:02 处画面跳切";
    remark.dispatchEvent(new Event("input"));
    await new Promise((r) => setTimeout(r, 700));
    await settle();
    expect(m.savePermitReview).toHaveBeenCalled();
    const [, saved] = m.savePermitReview.mock.calls[m.savePermitReview.mock.calls.length - 1];
    expect(saved.items).toEqual([{ item: "continuous_shot", ticked: false, remark: "01:02 处画面跳切" }]);
    expect(shot.getAttribute("data-state")).toBe("not_met");
    w.unmount();
  });

  it("adds a note at a time through the exposed addNote (the player's pin)", async () => {
    m.permitReview.mockResolvedValue(view({ draft: { items: [], notes: [] } }));
    echoSave();
    const w = mountPanel();
    await settle();
    await (w.vm as unknown as { addNote: (sha: string, at: number) => Promise<void> }).addNote(VIDEO, 61_042);
    await settle();
    const form = document.querySelector('[data-testid="review-note-form"]')!;
    expect(form.textContent).toContain("01:01.042");
    const input = form.querySelector('input[data-testid="review-note-text"], [data-testid="review-note-text"] input') as HTMLInputElement;
    input.value = "挂车号牌反光，看不清";
    input.dispatchEvent(new Event("input"));
    await settle();
    (form.querySelector('[data-testid="review-note-save"]') as HTMLElement).click();
    await settle(10);
    const [, saved] = m.savePermitReview.mock.calls[m.savePermitReview.mock.calls.length - 1];
    expect(saved.notes).toEqual([{ sha256: VIDEO, at_ms: 61_042, text: "挂车号牌反光，看不清" }]);
    expect(document.querySelector('[data-testid="review-note"]')!.textContent).toContain("measurement.mp4");
    w.unmount();
  });

  it("asks before a verdict, then offers the one-time notice for more material", async () => {
    const draft: ReviewDraft = { items: [{ item: "continuous_shot", ticked: false, remark: "有剪辑" }], notes: [] };
    m.permitReview.mockResolvedValue(view({ draft, notice_lines: [{ source: "checklist", code: "continuous_shot", zh: "测量视频有剪辑", en: "cuts", remark: "有剪辑" }] }));
    echoSave();
    const decided = view({
      draft,
      editable: false,
      verdict: { verdict: "more_material", decided_by: "chen.jing", decided_at: "2026-11-30 10:00", synced: false },
      notice: { received_on: "2026-11-30", due: "2026-12-07", days_left: null, given_on: "2026-11-30", late: false },
    });
    m.decidePermitReview.mockResolvedValue(decided);
    const w = mountPanel();
    await settle();
    expect(document.querySelector('[data-testid="review-notice-lines"]')!.textContent).toContain("测量视频有剪辑（有剪辑）");
    (document.querySelector('[data-testid="review-more-material"]') as HTMLElement).click();
    await settle(10);
    const box = document.querySelector(".el-message-box")!;
    expect(box.textContent).toContain("一次性告知书");
    expect(m.decidePermitReview).not.toHaveBeenCalled();
    (box.querySelector(".el-button--primary") as HTMLElement).click();
    await settle(10);
    expect(m.decidePermitReview).toHaveBeenCalledWith("DJ202611300000021", "more_material", draft);
    expect(w.emitted("decided")).toHaveLength(1);
    expect(document.querySelector('[data-testid="review-verdict"]')!.textContent).toContain("补正材料");
    expect(document.querySelector('[data-testid="review-pass"]')).toBeNull();
    expect(document.querySelector('[data-testid="review-panel"]')!.textContent).toContain("待同步");

    m.pickNoticePath.mockResolvedValue("/tmp/一次性告知书.pdf");
    m.permitNotice.mockResolvedValue({ path: "/tmp/一次性告知书.pdf", bytes: 20000, lines: decided.notice_lines, notice_due: "2026-12-07", issued_on: "2026-11-30", late: false });
    (document.querySelector('[data-testid="review-notice"]') as HTMLElement).click();
    await settle(10);
    expect(m.permitNotice).toHaveBeenCalledWith("DJ202611300000021", "/tmp/一次性告知书.pdf");
    w.unmount();
  });

  it("a slow save that answers after the verdict does not bring the buttons back", async () => {
    m.permitReview.mockResolvedValue(view());
    let answerSlowSave: (() => void) | null = null;
    m.savePermitReview.mockImplementationOnce(
      (_id: string, draft: ReviewDraft) => new Promise((done) => (answerSlowSave = () => done(view({ draft })))),
    );
    echoSave();
    const decided = view({ editable: false, verdict: { verdict: "pass", decided_by: "chen.jing", decided_at: "2026-11-30 10:00", synced: false } });
    m.decidePermitReview.mockResolvedValue(decided);
    const w = mountPanel();
    await settle();
    // A mark starts the debounced save; it is sent and hangs.
    (document.querySelector('[data-item="plates_match"] [data-testid="review-met"]') as HTMLElement).click();
    await new Promise((r) => setTimeout(r, 700));
    expect(m.savePermitReview).toHaveBeenCalledTimes(1);
    (document.querySelector('[data-testid="review-pass"]') as HTMLElement).click();
    await settle(10);
    (document.querySelector(".el-message-box .el-button--primary") as HTMLElement).click();
    await settle(10);
    expect(document.querySelector('[data-testid="review-verdict"]')!.textContent).toContain("通过");
    answerSlowSave!();
    await settle(10);
    expect(document.querySelector('[data-testid="review-verdict"]')!.textContent).toContain("通过");
    expect(document.querySelector('[data-testid="review-pass"]')).toBeNull();
    w.unmount();
  });

  it("a double click on a verdict asks once", async () => {
    m.permitReview.mockResolvedValue(view());
    echoSave();
    const w = mountPanel();
    await settle();
    const pass = document.querySelector('[data-testid="review-pass"]') as HTMLElement;
    pass.click();
    pass.click();
    await settle(10);
    expect(document.querySelectorAll(".el-message-box")).toHaveLength(1);
    w.unmount();
  });

  it("a refused verdict shows the backend's reason and changes nothing", async () => {
    m.permitReview.mockResolvedValue(view());
    echoSave();
    m.decidePermitReview.mockRejectedValue(appError("invalid_input", "review_pass_with_items_not_ticked", { items: "continuous_shot" }));
    const w = mountPanel();
    await settle();
    (document.querySelector('[data-testid="review-pass"]') as HTMLElement).click();
    await settle(10);
    (document.querySelector(".el-message-box .el-button--primary") as HTMLElement).click();
    await settle(10);
    expect(document.body.textContent).toContain("通过须勾选全部核查项");
    expect(document.querySelector('[data-testid="review-pass"]')).not.toBeNull();
    expect(w.emitted("decided")).toBeUndefined();
    w.unmount();
  });
});
