import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import HandleForm from "../src/components/forms/HandleForm.vue";
import RecordRectificationForm from "../src/components/forms/RecordRectificationForm.vue";
import RequireRectificationForm from "../src/components/forms/RequireRectificationForm.vue";
import ReturnForm from "../src/components/forms/ReturnForm.vue";
import InterceptForm from "../src/components/forms/InterceptForm.vue";
import TextActionForm from "../src/components/forms/TextActionForm.vue";
import NotifyForm from "../src/components/forms/NotifyForm.vue";
import { useOrderStore } from "../src/stores/order";
import { useDeskStore } from "../src/stores/desk";
import { DRAFT_DEBOUNCE_MS } from "../src/composables/useDraft";
import type { OrderDetail } from "../src/bindings/OrderDetail";
import { deskStatus, freshPinia, makeDetail, mountApp, settle, settleErrors } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

async function setup(detail: OrderDetail) {
  const pinia = freshPinia();
  m.getOrder.mockResolvedValue(detail);
  await useOrderStore().open(detail.row.id);
  useDeskStore().status = { ...deskStatus };
  return pinia;
}

function q(testid: string): HTMLElement {
  const el = document.querySelector(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`missing ${testid}`);
  return el as HTMLElement;
}

function type(testid: string, value: string) {
  const input = q(testid).querySelector("textarea, input") as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

describe("handle form", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.loadDraft.mockResolvedValue(null);
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = "";
  });

  it("refuses an empty result with the Chinese message", async () => {
    const detail = makeDetail(4, { allowed_actions: ["handle"] }, { status: "claimed" });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    q("handle-method-phone_warning").click();
    q("handle-submit").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请填写处置结果");
    expect(m.handleOrder).not.toHaveBeenCalled();
    w.unmount();
  });

  it("asks for a method too", async () => {
    const detail = makeDetail(4, { allowed_actions: ["handle"] }, { status: "claimed" });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    type("handle-result", "已电话联系");
    q("handle-submit").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请选择处置方式");
    expect(m.handleOrder).not.toHaveBeenCalled();
    w.unmount();
  });

  it("offers phone warning, penalty and education only: interception and notices have their own actions", async () => {
    const detail = makeDetail(4, { allowed_actions: ["handle"] }, { status: "claimed" });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    const methods = [...document.querySelectorAll('[data-testid^="handle-method-"]')].map((e) => e.getAttribute("data-testid"));
    expect(methods).toEqual(["handle-method-phone_warning", "handle-method-fine", "handle-method-education"]);
    // the counters show the backend's limits
    expect(q("handle-result").querySelector("textarea")!.getAttribute("maxlength")).toBe("500");
    expect(q("handle-notes").querySelector("textarea")!.getAttribute("maxlength")).toBe("2000");
    expect(q("handle-result").querySelector(".el-input__count")!.textContent).toContain("500");
    w.unmount();
  });

  it("submits, clears the draft and reports success", async () => {
    const detail = makeDetail(4, { allowed_actions: ["handle"] }, { status: "claimed" });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    m.handleOrder.mockResolvedValue(makeDetail(4, { allowed_actions: ["require_rectification"] }, { status: "handled" }));
    m.deskStatus.mockResolvedValue(deskStatus);
    q("handle-method-phone_warning").click();
    type("handle-result", "已电话警示驾驶员停车休息");
    type("handle-notes", "驾驶员态度良好");
    await settle();
    q("handle-submit").click();
    await settle(10);
    expect(m.handleOrder).toHaveBeenCalledWith(4, "phone_warning", "已电话警示驾驶员停车休息", "驾驶员态度良好");
    expect(m.clearDraft).toHaveBeenCalledWith("handle:4");
    expect(w.emitted("done")).toBeTruthy();
    expect(document.body.textContent).toContain("已处置工单");
    w.unmount();
  });

  it("keeps the form contents when the backend refuses", async () => {
    const detail = makeDetail(4, { allowed_actions: ["handle"] }, { status: "claimed" });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    m.handleOrder.mockRejectedValue(appError("not_claimant", "not_claimant", { claimant: "李娜" }));
    q("handle-method-fine").click();
    type("handle-result", "行政处罚决定书已送达");
    await settle();
    q("handle-submit").click();
    await settle(10);
    expect(m.handleOrder).toHaveBeenCalled();
    expect(document.body.textContent).toContain("该工单已由李娜认领，只有认领人可以办理。");
    expect((q("handle-result").querySelector("textarea") as HTMLTextAreaElement).value).toBe("行政处罚决定书已送达");
    expect(m.clearDraft).not.toHaveBeenCalled();
    expect(w.emitted("done")).toBeFalsy();
    w.unmount();
  });
});

describe("drafts", () => {
  beforeEach(() => vi.clearAllMocks());
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = "";
  });

  it("restores a saved draft when the form opens", async () => {
    m.loadDraft.mockResolvedValue(JSON.stringify({ method: "education", result: "约谈企业负责人", notes: "下周复查" }));
    const detail = makeDetail(6, { allowed_actions: ["handle"] }, { status: "claimed" });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    expect(m.loadDraft).toHaveBeenCalledWith("handle:6");
    expect((q("handle-result").querySelector("textarea") as HTMLTextAreaElement).value).toBe("约谈企业负责人");
    expect((q("handle-notes").querySelector("textarea") as HTMLTextAreaElement).value).toBe("下周复查");
    expect((q("handle-method-education").querySelector("input") as HTMLInputElement).checked).toBe(true);
    expect(document.body.textContent).toContain("已恢复上次未提交的内容");
    w.unmount();
  });

  it("does not restore a method the form no longer offers", async () => {
    m.loadDraft.mockResolvedValue(JSON.stringify({ method: "interception", result: "x", notes: "" }));
    const detail = makeDetail(6, { allowed_actions: ["handle"] });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    expect(document.querySelector('[data-testid="handle-method-interception"]')).toBeNull();
    expect([...document.querySelectorAll('[data-testid^="handle-method-"] input')].some((i) => (i as HTMLInputElement).checked)).toBe(false);
    expect((q("handle-result").querySelector("textarea") as HTMLTextAreaElement).value).toBe("x");
    w.unmount();
  });

  it("saves typing debounced under the order's key", async () => {
    m.loadDraft.mockResolvedValue(null);
    const detail = makeDetail(7, { allowed_actions: ["return"] }, { status: "claimed" });
    const w = mountApp(ReturnForm, await setup(detail), { props: { detail } });
    await settle();
    vi.useFakeTimers();
    type("reason-input", "证");
    await Promise.resolve();
    type("reason-input", "证据不足");
    await Promise.resolve();
    vi.advanceTimersByTime(DRAFT_DEBOUNCE_MS - 50);
    expect(m.saveDraft).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(m.saveDraft).toHaveBeenCalledTimes(1);
    expect(m.saveDraft).toHaveBeenCalledWith("return:7", JSON.stringify({ code: "", reason: "证据不足" }));
    vi.useRealTimers();
    w.unmount();
  });

  it("writes a pending draft when the form closes", async () => {
    m.loadDraft.mockResolvedValue(null);
    const detail = makeDetail(8, { allowed_actions: ["record_rectification"] });
    const w = mountApp(RecordRectificationForm, await setup(detail), { props: { detail } });
    await settle();
    type("rectification-description", "已组织驾驶员培训");
    await settle(1);
    w.unmount();
    expect(m.saveDraft).toHaveBeenCalledWith("record_rectification:8", JSON.stringify({ description: "已组织驾驶员培训", files: [] }));
  });
});

describe("rectification forms", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.loadDraft.mockResolvedValue(null);
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("lists chosen files, explains refused ones beside the field and submits grant ids", async () => {
    const detail = makeDetail(8, { allowed_actions: ["record_rectification"] }, { status: "rectifying" });
    m.pickEvidenceFiles.mockResolvedValue([
      { id: "g-report", file_name: "培训记录.pdf", size: 2048, mime: "application/pdf", refusal: null },
      {
        id: null, file_name: "IMG_0001.HEIC", size: null, mime: null,
        refusal: appError("file_type_mismatch", "file_unsupported", { path: "IMG_0001.HEIC" }),
      },
    ]);
    const w = mountApp(RecordRectificationForm, await setup(detail), { props: { detail } });
    await settle();
    // What is accepted is stated from the store's list, before anything is chosen.
    expect(q("rectification-accepted").textContent).toContain("JPG、PNG、WebP、PDF");
    expect(q("rectification-accepted").textContent).toContain("50 MB");
    q("rectification-file-choose").click();
    await settle();
    expect(m.pickEvidenceFiles).toHaveBeenCalled();
    expect(q("rectification-file-list").textContent).toContain("培训记录.pdf");
    expect(q("rectification-file-list").textContent).not.toContain("HEIC");
    const refused = q("rectification-file-refused").textContent ?? "";
    expect(refused).toContain("IMG_0001.HEIC");
    expect(refused).toContain("只能附加照片");
    // The same file chosen again is listed once.
    m.pickEvidenceFiles.mockResolvedValue([{ id: "g-again", file_name: "培训记录.pdf", size: 2048, mime: "application/pdf", refusal: null }]);
    q("rectification-file-choose").click();
    await settle();
    expect(document.querySelectorAll("[data-testid=rectification-file-remove]")).toHaveLength(1);
    type("rectification-description", "已组织全员安全培训");
    m.recordRectification.mockResolvedValue(makeDetail(8));
    m.deskStatus.mockResolvedValue(deskStatus);
    await settle(1);
    q("rectification-submit").click();
    await settle(10);
    expect(m.recordRectification).toHaveBeenCalledWith(8, "已组织全员安全培训", ["g-report"]);
    w.unmount();
  });

  it("takes files dropped on the form, not elsewhere, and says beside the field when a choice expired", async () => {
    const detail = makeDetail(8, { allowed_actions: ["record_rectification"] }, { status: "rectifying" });
    let deliver: ((d: import("../src/bindings/DroppedFiles").DroppedFiles) => void) | null = null;
    m.onEvidenceDropped.mockImplementation(async (h) => {
      deliver = h;
      return () => undefined;
    });
    const w = mountApp(RecordRectificationForm, await setup(detail), { props: { detail } });
    await settle();
    const formEl = q("record-rectification-form");
    formEl.getBoundingClientRect = () => ({ left: 100, top: 100, right: 500, bottom: 600, width: 400, height: 500, x: 100, y: 100, toJSON: () => ({}) });
    const photo = { id: "g-photo", file_name: "现场.jpg", size: 4096, mime: "image/jpeg", refusal: null };
    deliver!({ x: 20, y: 20, files: [photo] });
    await settle();
    expect(q("rectification-file-list").textContent).not.toContain("现场.jpg");
    deliver!({ x: 200, y: 300, files: [photo] });
    await settle();
    expect(q("rectification-file-list").textContent).toContain("现场.jpg");
    type("rectification-description", "已整改");
    m.recordRectification.mockRejectedValue(
      new api.DeskError("file_not_granted", appError("file_not_granted", "file_not_granted").message),
    );
    await settle(1);
    q("rectification-submit").click();
    await settleErrors();
    expect(q("record-rectification-form").textContent).toContain("请重新选择文件");
    expect(document.querySelector(".el-message--error")).toBeNull();
    expect(q("rectification-file-list").textContent).not.toContain("现场.jpg");
    w.unmount();
  });

  it("requires a rectification deadline", async () => {
    const detail = makeDetail(8, { allowed_actions: ["require_rectification"] }, { status: "handled" });
    const w = mountApp(RequireRectificationForm, await setup(detail), { props: { detail } });
    await settle();
    m.loadDraft.mockResolvedValue(null);
    type("rectification-requirement", "更换监控设备");
    q("rectification-require-submit").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请选择整改期限");
    expect(m.requireRectification).not.toHaveBeenCalled();
    w.unmount();
  });
});

describe("interception form", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.loadDraft.mockResolvedValue(null);
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("requires an outcome, then records it with the notes", async () => {
    const detail = makeDetail(11, { allowed_actions: ["intercept"] }, { status: "claimed" });
    const w = mountApp(InterceptForm, await setup(detail), { props: { detail } });
    await settle();
    const outcomes = [...document.querySelectorAll('[data-testid^="intercept-outcome-"]')].map((e) => e.textContent?.trim());
    expect(outcomes).toEqual(["拦截到车辆，发现违法行为", "拦截到车辆，未发现违法行为", "未拦截到车辆"]);
    type("intercept-notes", "车上 5 名乘客");
    q("intercept-submit").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请选择拦截结果");
    expect(m.interceptOrder).not.toHaveBeenCalled();

    m.interceptOrder.mockResolvedValue(makeDetail(11, { allowed_actions: [] }, { status: "handled" }));
    m.deskStatus.mockResolvedValue(deskStatus);
    (q("intercept-outcome-violation_found").querySelector("input") as HTMLInputElement).click();
    await settle(1);
    q("intercept-submit").click();
    await settle(10);
    expect(m.interceptOrder).toHaveBeenCalledWith(11, "violation_found", "车上 5 名乘客");
    expect(m.clearDraft).toHaveBeenCalledWith("intercept:11");
    expect(document.body.textContent).toContain("已记录布控拦截：拦截到车辆，发现违法行为");
    expect(w.emitted("done")).toBeTruthy();
    w.unmount();
  });

  it("warns above the form that a whitelisted vehicle is in principle not intercepted, and shows the refusal", async () => {
    const detail = makeDetail(12, { allowed_actions: ["intercept"], whitelist: "repeated_clean_interception" }, { status: "handled", whitelisted: true });
    const w = mountApp(InterceptForm, await setup(detail), { props: { detail } });
    await settle();
    const warning = q("intercept-whitelist-warning");
    expect(warning.textContent).toContain("原则上不予布控拦截");
    expect(warning.textContent).toContain("多次拦截未发现违法");
    expect(warning.compareDocumentPosition(q("intercept-outcome")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    m.interceptOrder.mockRejectedValue(
      appError("whitelisted", "whitelisted", { plate: "豫G23456", kind: { kind: "whitelist_kind", value: "repeated_clean_interception" } }),
    );
    m.getOrder.mockResolvedValue(detail);
    (q("intercept-outcome-nothing_found").querySelector("input") as HTMLInputElement).click();
    await settle(1);
    q("intercept-submit").click();
    await settle(10);
    expect(document.body.textContent).toContain("车辆豫G23456在白名单内（多次拦截未发现违法）");
    expect(w.emitted("done")).toBeFalsy();
    w.unmount();
  });

  it("with a supervisor's written order, shows the order instead of the warning", async () => {
    const detail = makeDetail(
      13,
      { allowed_actions: ["intercept"], whitelist: "enterprise_self_use", interception_override: "涉嫌超员，需拦截核实" },
      { status: "claimed", whitelisted: true },
    );
    const w = mountApp(InterceptForm, await setup(detail), { props: { detail } });
    await settle();
    expect(document.querySelector('[data-testid="intercept-whitelist-warning"]')).toBeNull();
    expect(q("intercept-override").textContent).toContain("涉嫌超员，需拦截核实");
    w.unmount();
  });
});

describe("return form", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.loadDraft.mockResolvedValue(null);
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("needs a reason from the list; a listed reason needs no text", async () => {
    const detail = makeDetail(14, { allowed_actions: ["return"] }, { status: "claimed" });
    const w = mountApp(ReturnForm, await setup(detail), { props: { detail } });
    await settle();
    q("confirm-ok").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请选择退回原因");
    expect(m.returnOrder).not.toHaveBeenCalled();
    m.returnOrder.mockResolvedValue(makeDetail(14, { allowed_actions: [] }, { status: "returned" }));
    m.deskStatus.mockResolvedValue(deskStatus);
    (q("return-reason-not_our_county").querySelector("input") as HTMLInputElement).click();
    await settle(1);
    q("confirm-ok").click();
    await settle(10);
    expect(m.returnOrder).toHaveBeenCalledWith(14, "not_our_county", "");
    w.unmount();
  });

  it("其他 requires the reason in words", async () => {
    const detail = makeDetail(15, { allowed_actions: ["return"] }, { status: "claimed" });
    const w = mountApp(ReturnForm, await setup(detail), { props: { detail } });
    await settle();
    (q("return-reason-other").querySelector("input") as HTMLInputElement).click();
    await settle(1);
    expect(document.querySelector('[data-testid="return-form"]')!.textContent).toContain("具体原因");
    q("confirm-ok").click();
    await settleErrors();
    expect(document.body.textContent).toContain("选择“其他”时请写明具体原因");
    expect(m.returnOrder).not.toHaveBeenCalled();
    m.returnOrder.mockResolvedValue(makeDetail(15, { allowed_actions: [] }, { status: "returned" }));
    m.deskStatus.mockResolvedValue(deskStatus);
    type("reason-input", "该车已注销");
    await settle(1);
    q("confirm-ok").click();
    await settle(10);
    expect(m.returnOrder).toHaveBeenCalledWith(15, "other", "该车已注销");
    w.unmount();
  });
});

describe("spot check, groundless closure and the written order", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.loadDraft.mockResolvedValue(null);
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("a pass needs no notes and says it closes the order", async () => {
    const detail = makeDetail(16, { allowed_actions: ["spot_check_pass", "spot_check_fail"] }, { status: "submitted" });
    const w = mountApp(TextActionForm, await setup(detail), { props: { detail, action: "spot_check_pass" } });
    await settle();
    expect(q("spot_check_pass-form").textContent).toContain("通过后工单办结，不可撤销");
    m.spotCheck.mockResolvedValue(makeDetail(16, { allowed_actions: [] }, { status: "closed" }));
    m.deskStatus.mockResolvedValue(deskStatus);
    q("action-text-submit").click();
    await settle(10);
    expect(m.spotCheck).toHaveBeenCalledWith(16, true, "");
    expect(document.body.textContent).toContain("抽查通过，已办结");
    w.unmount();
  });

  it("a fail requires a reason", async () => {
    const detail = makeDetail(17, { allowed_actions: ["spot_check_pass", "spot_check_fail"] }, { status: "submitted" });
    const w = mountApp(TextActionForm, await setup(detail), { props: { detail, action: "spot_check_fail" } });
    await settle();
    q("action-text-submit").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请写明抽查不通过的原因");
    expect(m.spotCheck).not.toHaveBeenCalled();
    expect(q("action-text").querySelector("textarea")!.getAttribute("maxlength")).toBe("500");
    m.spotCheck.mockResolvedValue(makeDetail(17, { allowed_actions: [] }, { status: "rework" }));
    m.deskStatus.mockResolvedValue(deskStatus);
    type("action-text", "整改照片不清晰，请补充");
    await settle(1);
    q("action-text-submit").click();
    await settle(10);
    expect(m.spotCheck).toHaveBeenCalledWith(17, false, "整改照片不清晰，请补充");
    w.unmount();
  });

  it("核查无违法办结 asks for the finding and warns that it closes the order", async () => {
    const detail = makeDetail(18, { allowed_actions: ["close_groundless"] }, { status: "handled" });
    const w = mountApp(TextActionForm, await setup(detail), { props: { detail, action: "close_groundless" } });
    await settle();
    expect(q("close_groundless-form").textContent).toContain("办结后不可撤销");
    expect(q("action-text").querySelector("textarea")!.getAttribute("maxlength")).toBe("1000");
    q("action-text-submit").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请填写核查情况");
    expect(m.closeGroundless).not.toHaveBeenCalled();
    w.unmount();
  });
});

describe("notice form", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    m.loadDraft.mockResolvedValue(null);
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("requires the authority and the notice; the feedback date is optional", async () => {
    const detail = makeDetail(19, { allowed_actions: ["notify_authority"] }, { status: "claimed" });
    const w = mountApp(NotifyForm, await setup(detail), { props: { detail } });
    await settle();
    expect(q("notify-authority").querySelector("input")!.getAttribute("maxlength")).toBe("100");
    q("notify-submit").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请填写抄告单位");
    expect(document.body.textContent).toContain("请填写抄告内容");
    m.notifyAuthority.mockResolvedValue(makeDetail(19, { allowed_actions: [] }, { status: "awaiting_feedback" }));
    m.deskStatus.mockResolvedValue(deskStatus);
    type("notify-authority", "长垣市公安局交通管理大队");
    type("notify-content", "该车涉嫌非法营运，请依法查处");
    await settle(1);
    q("notify-submit").click();
    await settle(10);
    expect(m.notifyAuthority).toHaveBeenCalledWith(19, "长垣市公安局交通管理大队", "该车涉嫌非法营运，请依法查处", null);
    expect(document.body.textContent).toContain("已抄告 长垣市公安局交通管理大队");
    w.unmount();
  });
});
