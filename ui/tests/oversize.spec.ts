import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { useDeskStore } from "../src/stores/desk";
import OversizeView from "../src/views/OversizeView.vue";
import type { ApplicationView } from "../src/bindings/ApplicationView";
import type { PermitDayView } from "../src/bindings/PermitDayView";
import type { ReviewDraft } from "../src/bindings/ReviewDraft";
import type { ApplicationReview } from "../src/bindings/ApplicationReview";
import { deskStatus, freshPinia, mountApp, settle, deskStaffStatus } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

function application(id: string, patch: Partial<ApplicationView> = {}): ApplicationView {
  return {
    application_id: id,
    day: "2026-11-30",
    received_at: "2026-11-30 08:15:02.123456",
    service_point: "410783",
    carrier_reference: "HD-001",
    carrier_name: "长垣市宏达重型运输有限公司",
    carrier_credit_id: "91410783MA9XL0HJ8A",
    manufacturer_name: "河南森源电气股份有限公司",
    manufacturer_credit_id: "91410700725822691A",
    goods: "110kV 油浸式变压器",
    tractor_plate: "豫GA1234",
    trailer_plate: "豫GB567挂",
    vehicle: { height_mm: 4300, width_mm: 3200, length_mm: 21000, total_mass_kg: 79000, axles: 6, configuration: "combination", single_drive_axle: false, single_tyre_axles: 0 },
    route: "within_province",
    route_text: "长垣市 G230 → G4",
    trips: "single",
    track: "credit_fast_track",
    travel_from: "2026-12-01",
    travel_to: "2026-12-03",
    classification: {
      over_limit: { mass_limit: { base_kg: 49000, reduction_kg: 0, limit_kg: 49000 }, exceeded: [{ measure: "height", declared: 4300, allowed: 4000, excess: 300 }] },
      class: "two",
      route: "within_province",
      time_limit_days: 5,
    },
    acceptance: { state: "accepted", on: "2026-11-30", deemed: false },
    time_limit: { accepted_on: "2026-11-30", limit_days: 5, due: "2026-12-07", days_left: 5, pauses: [], paused_working_days: 0 },
    required: [],
    missing: [],
    materials: [{ material: "measurement_video", name_zh: "测量视频", name_en: "measurement video", file_name: "measurement.mp4", sha256: "ab".repeat(32), size: 1000, mime: "video/mp4" }],
    carrier_standing: { credit_code: "green", unrepaired_penalties: 0 },
    fast_track: { requested: true, eligible: true, refusals: [] },
    on_top: [],
    sampled: "not_drawn",
    verdict: null,
    notice: { received_on: "2026-11-30", due: "2026-12-07", days_left: 5, given_on: null, late: false },
    ...patch,
  };
}

const day: PermitDayView = {
  service_point: "410783",
  day: "2026-11-30",
  commitment: "c".repeat(64),
  committed_at: "2026-11-30 08:00:00.000001",
  seed: null,
  closed_at: null,
  closed_by: null,
  applications: 2,
  draw: null,
  verification: { state: "not_closed" },
  report: { applications: 2, decided: 0, passed: 0, refused: 0, more_material: 0, unsynced: 0, sampled: 0, sampled_reviewed: 0, undecided: [], pending: [] },
};

describe("大件运输 page", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("lists the day's applications with class, clock, materials, fast track and sample mark", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.permitApplications.mockResolvedValue([
      application("DJ202611300000021", { on_top: ["first_application"] }),
      application("DJ202611300000022", {
        fast_track: {
          requested: true,
          eligible: false,
          refusals: [{ code: "on_dishonest_list", behaviour: "测量视频剪辑拼接", penalty: { grade: "fast_track_removed" }, listed_on: "2026-11-02", repair_conditions: "整改到位" }],
        },
        acceptance: { state: "notice_due", notice_due: "2026-12-07" },
        carrier_standing: null,
        time_limit: null,
        missing: [{ code: "application_form", name_zh: "公路超限运输申请表", name_en: "application form" }],
      }),
    ]);
    m.permitDay.mockResolvedValue(day);
    const w = mountApp(OversizeView, pinia);
    await settle();
    expect(m.permitApplications).toHaveBeenCalledWith(null);
    const rows = [...document.querySelectorAll('[data-testid="oversize-row"]')];
    expect(rows.map((r) => r.getAttribute("data-id"))).toEqual(["DJ202611300000021", "DJ202611300000022"]);
    expect(rows[0].querySelector('[data-testid="oversize-class"]')!.textContent).toContain("二类（省内，5 个工作日）");
    expect(rows[0].querySelector('[data-testid="oversize-clock"]')!.textContent).toContain("剩余 5 个工作日");
    expect(rows[0].querySelector('[data-testid="oversize-materials"]')!.textContent).toContain("齐全（1 个文件）");
    expect(rows[0].querySelector('[data-testid="oversize-fast-track"]')!.textContent).toContain("可用");
    expect(rows[0].querySelector('[data-testid="oversize-standing"]')!.textContent).toContain("绿码");
    expect(rows[0].querySelector('[data-testid="oversize-standing"]')!.textContent).toContain("未修复行政处罚 0 起");
    expect(rows[1].querySelector('[data-testid="oversize-standing"]')!.textContent).toContain("无平台信用记录");
    expect(rows[0].querySelector('[data-testid="oversize-sample"]')!.textContent).toContain("首次申报");
    expect(rows[1].querySelector('[data-testid="oversize-clock"]')!.textContent).toContain("2026-12-07 前送达一次性告知书");
    expect(rows[1].querySelector('[data-testid="oversize-fast-track"]')!.textContent).toContain("不可用：列入失信企业库（2026-11-02，测量视频剪辑拼接）");
    expect(rows[1].querySelector('[data-testid="oversize-materials"]')!.textContent).toContain("缺 1 项：公路超限运输申请表");
    expect(rows[0].textContent).toContain("豫G·A1234");
    expect(rows[0].textContent).toContain("豫G·B567挂");
    expect(document.querySelector('[data-testid="oversize-count"]')!.textContent).toContain("共 2 份申报");
    expect(document.querySelector('[data-testid="oversize-commitment"]')!.textContent).toBe("c".repeat(64));
    expect(document.querySelector('[data-testid="oversize-verification"]')!.getAttribute("data-state")).toBe("not_closed");
    w.unmount();
  });

  it("marks the drawn applications and shows the day verified, or the mismatch loudly", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const draw = { applications: 2, random: ["DJ202611300000022"], on_top: [] };
    m.permitApplications.mockResolvedValue([
      application("DJ202611300000021", { sampled: "not_taken" }),
      application("DJ202611300000022", { sampled: "random" }),
    ]);
    m.permitDay.mockResolvedValue({ ...day, seed: "d".repeat(64), closed_at: "2026-11-30 17:30:00.000000", closed_by: "chen.jing", draw, verification: { state: "verified" } });
    const w = mountApp(OversizeView, pinia);
    await settle();
    const rows = [...document.querySelectorAll('[data-testid="oversize-row"]')];
    expect(rows.map((r) => r.getAttribute("data-sampled"))).toEqual(["not_taken", "random"]);
    expect(rows[1].querySelector('[data-testid="oversize-sample"]')!.textContent).toContain("抽查");
    expect(rows[0].querySelector('[data-testid="oversize-sample"] .el-tag')).toBeNull();
    expect(document.querySelector('[data-testid="oversize-seed"]')!.textContent).toBe("d".repeat(64));
    expect(document.querySelector('[data-testid="oversize-verification"]')!.textContent).toContain("核验通过");

    m.permitDay.mockResolvedValue({
      ...day, seed: "e".repeat(64), closed_at: "2026-11-30 17:30:00.000000", closed_by: "chen.jing", draw,
      verification: { state: "mismatch", error: appError("refused_transition", "sample_seed_does_not_match_commitment") },
    });
    (document.querySelector('[data-testid="oversize-refresh"]') as HTMLElement).click();
    await settle();
    const alert = document.querySelector('[data-testid="oversize-verification"]')!;
    expect(alert.getAttribute("data-state")).toBe("mismatch");
    expect(alert.textContent).toContain("核验失败");
    expect(alert.textContent).toContain("承诺值不符");
    w.unmount();
  });

  it("desk staff close the day after confirming; others have no 日结 button", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStaffStatus };
    m.permitApplications.mockResolvedValue([application("DJ202611300000021")]);
    m.permitDay.mockResolvedValue(day);
    const closed: PermitDayView = {
      ...day, seed: "d".repeat(64), closed_at: "2026-11-30 17:30:00.000000", closed_by: "chen.jing",
      draw: { applications: 1, random: ["DJ202611300000021"], on_top: [] }, verification: { state: "verified" },
    };
    m.closePermitDay.mockResolvedValue(closed);
    const w = mountApp(OversizeView, pinia);
    await settle();
    (document.querySelector('[data-testid="oversize-close"]') as HTMLElement).click();
    await settle();
    const box = document.querySelector(".el-message-box")!;
    expect(box.textContent).toContain("不能撤销");
    expect(m.closePermitDay).not.toHaveBeenCalled();
    m.permitDay.mockResolvedValue(closed);
    (box.querySelector(".el-button--primary") as HTMLElement).click();
    await settle(10);
    expect(m.closePermitDay).toHaveBeenCalledWith(null);
    expect(document.querySelector('[data-testid="oversize-verification"]')!.getAttribute("data-state")).toBe("verified");
    expect(document.querySelector('[data-testid="oversize-close"]')).toBeNull();
    w.unmount();

    const officer = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.permitDay.mockResolvedValue(day);
    const w2 = mountApp(OversizeView, officer);
    await settle();
    expect(document.querySelector('[data-testid="oversize-close"]')).toBeNull();
    w2.unmount();
  });

  it("shows each verdict, the day's report, and refuses 日结 while a complete application is undecided", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStaffStatus };
    m.permitApplications.mockResolvedValue([
      application("DJ202611300000021", { verdict: { verdict: "pass", decided_by: "chen.jing", decided_at: "2026-11-30 10:00", synced: false } }),
      application("DJ202611300000022"),
    ]);
    m.permitDay.mockResolvedValue({
      ...day,
      report: {
        applications: 2, decided: 1, passed: 1, refused: 0, more_material: 0, unsynced: 1, sampled: 0, sampled_reviewed: 0,
        undecided: ["DJ202611300000022"],
        pending: [{ application_id: "DJ202611300000022", carrier_name: "长垣市宏达重型运输有限公司", reason: "awaiting_verdict" }],
      },
    });
    m.permitReview.mockResolvedValue({
      application_id: "DJ202611300000022", carrier_name: "长垣市宏达重型运输有限公司", day: "2026-11-30", class: "two",
      checklist: [], draft: { items: [], notes: [] }, verdict: null, refused_code: null, editable: true, missing: [], materials: [],
      notice: { received_on: "2026-11-30", due: "2026-12-07", days_left: 5, given_on: null, late: false }, notice_lines: [],
    });
    const w = mountApp(OversizeView, pinia);
    await settle();
    const rows = [...document.querySelectorAll('[data-testid="oversize-row"]')];
    const tag = rows[0].querySelector('[data-testid="oversize-verdict-tag"]')!;
    expect(tag.getAttribute("data-verdict")).toBe("pass");
    expect(rows[0].querySelector('[data-testid="oversize-verdict"]')!.textContent).toContain("待同步");
    expect(rows[1].querySelector('[data-testid="oversize-verdict"]')!.textContent).toContain("告知期限 2026-12-07");
    const report = document.querySelector('[data-testid="oversize-report"]')!;
    expect(report.textContent).toContain("已审核 1（通过 1");
    expect(document.querySelector('[data-testid="oversize-pending"]')!.getAttribute("data-reason")).toBe("awaiting_verdict");

    (document.querySelector('[data-testid="oversize-close"]') as HTMLElement).click();
    await settle();
    expect(document.querySelector(".el-message-box")).toBeNull();
    expect(document.body.textContent).toContain("还有 1 份材料齐全的申报未审核（DJ202611300000022）");
    expect(m.closePermitDay).not.toHaveBeenCalled();

    // The row's 审核 opens the review screen, its verdict panel on the right.
    m.applicationReview.mockResolvedValue({ application: application("DJ202611300000022"), files: [] });
    (rows[1].querySelector('[data-testid="oversize-review"]') as HTMLElement).click();
    await settle(10);
    expect(m.applicationReview).toHaveBeenLastCalledWith("DJ202611300000022");
    expect(m.permitReview).toHaveBeenCalledWith("DJ202611300000022");
    expect(document.querySelector('[data-testid="review-verdict-slot"] [data-testid="review-panel"]')).not.toBeNull();
    w.unmount();
  });

  it("导出Excel writes the day shown to the file chosen; a cancelled dialog writes nothing", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.permitApplications.mockResolvedValue([application("DJ202611300000021")]);
    m.permitDay.mockResolvedValue(day);
    const w = mountApp(OversizeView, pinia);
    await settle();
    const button = document.querySelector('[data-testid="oversize-export"]') as HTMLElement;
    button.click();
    await settle();
    expect(m.pickExportPath).toHaveBeenCalledWith(expect.stringMatching(/^大件运输申报-\d{8}-\d{4}\.xlsx$/), "Excel 工作簿");
    expect(m.exportPermitApplications).not.toHaveBeenCalled();
    m.pickExportPath.mockResolvedValueOnce("/tmp/大件运输.xlsx");
    m.exportPermitApplications.mockResolvedValueOnce({ rows: 1, path: "/tmp/大件运输.xlsx", millis: 9 });
    button.click();
    await settle();
    expect(m.exportPermitApplications).toHaveBeenCalledWith(null, "/tmp/大件运输.xlsx");
    expect(document.body.textContent).toContain("已导出 1 份申报到 /tmp/大件运输.xlsx。");
    w.unmount();
  });

  it("打印 prints the day's rows as the page words them", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.permitApplications.mockResolvedValue([application("DJ202611300000021", { on_top: ["first_application"] })]);
    m.permitDay.mockResolvedValue(day);
    const print = vi.spyOn(window, "print").mockImplementation(() => undefined);
    const w = mountApp(OversizeView, pinia);
    await settle();
    (document.querySelector('[data-testid="oversize-print"]') as HTMLElement).click();
    await settle();
    expect(print).toHaveBeenCalledTimes(1);
    const sheet = document.querySelector('body > [data-testid="print-sheet"]')!;
    expect(sheet.querySelector("h1")!.textContent).toBe("大件运输");
    expect(sheet.querySelector('[data-testid="print-filter"]')!.textContent).toContain("申报日：");
    const cells = [...sheet.querySelectorAll('[data-testid="print-row"] td')].map((td) => td.textContent ?? "");
    expect(cells[0]).toContain("DJ202611300000021");
    expect(cells[4]).toContain("二类（省内，5 个工作日）");
    expect(cells[8]).toContain("首次申报");
    print.mockRestore();
    w.unmount();
  });

  it("an empty day says why; a failed load gives the reason and 重试", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    m.permitApplications.mockResolvedValue([]);
    m.permitDay.mockResolvedValue(null);
    const w = mountApp(OversizeView, pinia);
    await settle();
    expect(document.querySelector('[data-testid="oversize-empty"]')!.textContent).toContain("同步后显示");
    expect(document.querySelector('[data-testid="oversize-no-day"]')).not.toBeNull();
    w.unmount();

    m.permitApplications.mockRejectedValue(appError("database_locked", "database_locked"));
    const w2 = mountApp(OversizeView, freshPinia());
    await settle();
    expect(document.querySelector('[data-testid="oversize-error"]')!.textContent).toContain("重试");
    w2.unmount();
  });

  it("a row opens its review: declaration, the video with findings, a reuse link that opens the earlier application, and back", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const first = application("DJ202611300000021");
    const reused = application("DJ202611300000024");
    m.permitApplications.mockResolvedValue([first, reused]);
    m.permitDay.mockResolvedValue(day);
    const video = { ...reused.materials[0], sha256: "cd".repeat(32) };
    const review = (a: ApplicationView, held: boolean): ApplicationReview => ({
      application: a,
      files: [
        {
          material: a === reused ? video : a.materials[0],
          held,
          kind: held ? "video" : null,
          facts: held ? { kind: "video", duration_s: 6, width: 320, height: 240, codec: "h264", created_at: null } : null,
          findings: a === reused ? [{ finding: "cuts", at_seconds: [2.48] }] : [],
          unreadable: null,
          repeats:
            a === reused
              ? [
                  { application_id: first.application_id, received_at: first.received_at, earlier: true, material: "measurement_video", file_name: "measurement.mp4", sha256: "ab".repeat(32), how: { how: "shared_footage", shared_frames: 9, frames: 12 }, elsewhere: null },
                  { application_id: "DJ202611290000007", received_at: null, earlier: true, material: "measurement_video", file_name: "video.mp4", sha256: "cd".repeat(32), how: { how: "same_bytes" }, elsewhere: "获嘉县大件运输申报服务点" },
                ]
              : [],
        },
      ],
    });
    m.applicationReview.mockImplementation(async (id: string) => (id === first.application_id ? review(first, true) : review(reused, true)));
    m.permitReview.mockImplementation(async (id: string) => ({
      application_id: id, carrier_name: "长垣市宏达重型运输有限公司", day: "2026-11-30", class: "two",
      checklist: [], draft: { items: [], notes: [] }, verdict: null, refused_code: null, editable: true, missing: [],
      materials: [{ material: "measurement_video", name_zh: "测量视频", name_en: "measurement video", file_name: "measurement.mp4", sha256: "cd".repeat(32), size: 1000, mime: "video/mp4" }],
      notice: { received_on: "2026-11-30", due: "2026-12-07", days_left: 5, given_on: null, late: false }, notice_lines: [],
    }));
    m.savePermitReview.mockImplementation(async (id: string, draft: ReviewDraft) => ({ ...(await m.permitReview(id)), draft }));
    const w = mountApp(OversizeView, pinia);
    await settle();
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="oversize-row"]')];
    rows[1].dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(m.applicationReview).toHaveBeenLastCalledWith("DJ202611300000024");
    expect(document.querySelector('[data-testid="review-plates"]')!.textContent).toContain("豫G·A1234");
    expect(document.querySelector('[data-testid="review-declared"]')!.textContent).toContain("6 轴（单胎 0 轴，双胎 6 轴）");
    expect(document.querySelector<HTMLVideoElement>('[data-testid="video-element"]')!.getAttribute("src")).toBe(`http://127.0.0.1:4321/t0ken/${"cd".repeat(32)}`);
    expect(document.querySelector('[data-testid="finding-reused"]')!.textContent).toContain("视频画面重复（9/12 帧相同）");
    // The hub found the very file at another service point: named there, not a link (not here).
    const elsewhere = document.querySelectorAll('[data-testid="finding-reused"]')[1];
    expect(elsewhere.textContent).toContain("DJ202611290000007");
    expect(elsewhere.querySelector('[data-testid="finding-reused-elsewhere"]')!.textContent).toContain("获嘉县大件运输申报服务点，不在本服务点");
    expect(elsewhere.querySelector('[data-testid="finding-reused-link"]')).toBeNull();
    expect(document.querySelector('[data-testid="finding-cut"]')!.textContent).toBe("00:02.480");
    expect(document.querySelector('[data-testid="review-verdict-slot"]')!.textContent).toContain("审核结论");
    // Materials all held: nothing to fetch.
    expect(m.fetchMaterials).not.toHaveBeenCalled();
    // N pins a note at the current time in the verdict panel: written there, it is listed with its
    // time, kept in the review's draft and marked on the timeline.
    expect(document.querySelector('[data-testid="review-verdict-slot"] [data-testid="review-panel"]')).not.toBeNull();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "n" }));
    await settle();
    const text = document.querySelector<HTMLInputElement>('input[data-testid="review-note-text"]')!;
    text.value = "卷尺未入镜";
    text.dispatchEvent(new Event("input"));
    await settle();
    document.querySelector<HTMLElement>('[data-testid="review-note-save"]')!.click();
    await settle();
    expect(document.querySelectorAll('[data-testid="review-note"]')).toHaveLength(1);
    expect(document.querySelector('[data-testid="review-note"]')!.textContent).toContain("卷尺未入镜");
    expect(document.querySelectorAll('[data-testid="video-note-marker"]')).toHaveLength(1);
    // The reuse link opens the earlier application; back returns to the later one, then the list.
    document.querySelector<HTMLElement>('[data-testid="finding-reused-link"]')!.click();
    await settle();
    expect(m.applicationReview).toHaveBeenLastCalledWith("DJ202611300000021");
    expect(document.querySelector('[data-testid="review"]')!.getAttribute("data-id")).toBe("DJ202611300000021");
    document.querySelector<HTMLElement>('[data-testid="review-back"]')!.click();
    await settle();
    expect(document.querySelector('[data-testid="review"]')!.getAttribute("data-id")).toBe("DJ202611300000024");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    await settle();
    expect(document.querySelector('[data-testid="review"]')).toBeNull();
    w.unmount();
  });

  it("materials not yet held are fetched when the review opens, with progress", async () => {
    const pinia = freshPinia();
    useDeskStore().status = { ...deskStatus };
    const a = application("DJ202611300000021");
    m.permitApplications.mockResolvedValue([a]);
    m.permitDay.mockResolvedValue(day);
    m.applicationReview.mockResolvedValue({
      application: a,
      files: [{ material: a.materials[0], held: false, kind: null, facts: null, findings: [], unreadable: null, repeats: [] }],
    });
    m.fetchMaterials.mockResolvedValue({
      application_id: a.application_id, state: "fetching", files_total: 1, files_held: 0, bytes_total: 1000, bytes_done: 400, current: "measurement.mp4", refusals: [], error: null,
    });
    const w = mountApp(OversizeView, pinia);
    await settle();
    document.querySelector<HTMLElement>('[data-testid="oversize-row"]')!.click();
    await settle();
    expect(m.fetchMaterials).toHaveBeenCalledWith("DJ202611300000021");
    const progress = document.querySelector('[data-testid="review-progress"]')!;
    expect(progress.textContent).toContain("0/1 个文件");
    expect(progress.textContent).toContain("40%");
    expect(document.querySelector('[data-testid="review-material"]')!.getAttribute("data-held")).toBe("no");
    w.unmount();
  });
});

describe("the decision clock beside the declaration", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  async function mountClock(app: ApplicationView, role: "desk_staff" | "county_officer" = "desk_staff") {
    const { default: DecisionClock } = await import("../src/components/permit/DecisionClock.vue");
    const pinia = freshPinia();
    const store = useDeskStore();
    store.status = { ...(role === "desk_staff" ? deskStaffStatus : deskStatus), today: "2026-12-02" };
    return mountApp(DecisionClock, pinia, { props: { application: app } });
  }

  const paused = (from: string) =>
    application("DJ202611300000001", {
      time_limit: { accepted_on: "2026-11-30", limit_days: 5, due: null, days_left: null, pauses: [{ reason: "reinforcement", from, until: null }], paused_working_days: 0 },
    });

  it("pauses the clock for reinforcement from today, and shows it stopped", async () => {
    m.permitClock.mockResolvedValue(paused("2026-12-02"));
    const w = await mountClock(application("DJ202611300000001"));
    await settle();
    expect(document.querySelector('[data-testid="decision-clock-text"]')!.textContent).toContain("2026-12-07");
    (document.querySelector('[data-testid="decision-clock-pause"]') as HTMLElement).click();
    await settle();
    expect(document.querySelector('[data-testid="decision-clock-form"]')!.textContent).toContain("不影响日结");
    (document.querySelector('[data-testid="decision-clock-confirm"]') as HTMLElement).click();
    await settle(10);
    expect(m.permitClock).toHaveBeenCalledWith("DJ202611300000001", { action: "pause", reason: "reinforcement", from: "2026-12-02" });
    const [after] = w.emitted("changed")![0] as [ApplicationView];
    await w.setProps({ application: after });
    await settle();
    const clock = document.querySelector('[data-testid="decision-clock"]')!;
    expect(clock.getAttribute("data-state")).toBe("paused");
    expect(clock.textContent).toContain("公路桥梁加固改造，自 2026-12-02 起暂停计时");
    expect(document.querySelector('[data-testid="decision-clock-resume"]')).not.toBeNull();
    w.unmount();
  });

  it("resumes with the last paused day; a refusal is explained and nothing changes", async () => {
    m.permitClock.mockRejectedValueOnce(appError("invalid_input", "permit_pause_ends_before_it_begins", { from: "2026-12-01", until: "2026-11-30" }));
    const w = await mountClock(paused("2026-12-01"));
    await settle();
    (document.querySelector('[data-testid="decision-clock-resume"]') as HTMLElement).click();
    await settle();
    (document.querySelector('[data-testid="decision-clock-confirm"]') as HTMLElement).click();
    await settle(10);
    expect(m.permitClock).toHaveBeenCalledWith("DJ202611300000001", { action: "resume", until: "2026-12-02" });
    expect(document.body.textContent).toContain("暂停结束日期 2026-11-30 早于开始日期 2026-12-01");
    expect(w.emitted("changed")).toBeUndefined();
    expect(document.querySelector('[data-testid="decision-clock-form"]')).not.toBeNull();
    w.unmount();
  });

  it("offers nothing to an officer, nor on a decided application", async () => {
    const w = await mountClock(application("DJ202611300000001"), "county_officer");
    await settle();
    expect(document.querySelector('[data-testid="decision-clock-pause"]')).toBeNull();
    w.unmount();
    const decided = application("DJ202611300000001", { verdict: { verdict: "pass", decided_by: "chen.jing", decided_at: "2026-11-30 10:00", synced: true } });
    const v = await mountClock(decided);
    await settle();
    expect(document.querySelector('[data-testid="decision-clock-pause"]')).toBeNull();
    v.unmount();
  });
});
