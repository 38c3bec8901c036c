import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import HandleForm from "../src/components/forms/HandleForm.vue";
import RecordRectificationForm from "../src/components/forms/RecordRectificationForm.vue";
import RequireRectificationForm from "../src/components/forms/RequireRectificationForm.vue";
import ReasonForm from "../src/components/forms/ReasonForm.vue";
import { useOrderStore } from "../src/stores/order";
import { useDeskStore } from "../src/stores/desk";
import { DRAFT_DEBOUNCE_MS } from "../src/composables/useDraft";
import type { OrderDetail } from "../src/bindings/OrderDetail";
import { deskStatus, freshPinia, makeDetail, mountApp, settle, settleErrors } from "./helpers";

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

  it("disables interception for a whitelisted vehicle", async () => {
    const detail = makeDetail(4, { allowed_actions: ["handle"], vehicle_whitelist_reason: "企业自用车辆" }, { whitelisted: true });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    const interception = q("handle-method-interception");
    expect(interception.classList.contains("is-disabled")).toBe(true);
    expect((interception.querySelector("input") as HTMLInputElement).disabled).toBe(true);
    expect(q("handle-method-phone_warning").classList.contains("is-disabled")).toBe(false);
    w.unmount();
  });

  it("allows interception for other vehicles", async () => {
    const detail = makeDetail(4, { allowed_actions: ["handle"] });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    expect(q("handle-method-interception").classList.contains("is-disabled")).toBe(false);
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
    m.handleOrder.mockRejectedValue({ code: "refused_transition", message_zh: "该工单已被他人处置", message_en: "Already handled" });
    q("handle-method-fine").click();
    type("handle-result", "行政处罚决定书已送达");
    await settle();
    q("handle-submit").click();
    await settle(10);
    expect(m.handleOrder).toHaveBeenCalled();
    expect(document.body.textContent).toContain("该工单已被他人处置");
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

  it("does not restore interception for a whitelisted vehicle", async () => {
    m.loadDraft.mockResolvedValue(JSON.stringify({ method: "interception", result: "x", notes: "" }));
    const detail = makeDetail(6, { allowed_actions: ["handle"] }, { whitelisted: true });
    const w = mountApp(HandleForm, await setup(detail), { props: { detail } });
    await settle();
    expect((q("handle-method-interception").querySelector("input") as HTMLInputElement).checked).toBe(false);
    w.unmount();
  });

  it("saves typing debounced under the order's key", async () => {
    m.loadDraft.mockResolvedValue(null);
    const detail = makeDetail(7, { allowed_actions: ["return"] }, { status: "claimed" });
    const w = mountApp(ReasonForm, await setup(detail), { props: { detail, mode: "return" } });
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
    expect(m.saveDraft).toHaveBeenCalledWith("return:7", JSON.stringify({ reason: "证据不足", to_unit: "" }));
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

  it("adds pasted paths, refuses relative ones and submits the list", async () => {
    const detail = makeDetail(8, { allowed_actions: ["record_rectification"] }, { status: "rectifying" });
    const w = mountApp(RecordRectificationForm, await setup(detail), { props: { detail } });
    await settle();
    type("rectification-file-path", "照片.jpg");
    await settle(1);
    q("rectification-file-add").click();
    await settleErrors();
    expect(document.body.textContent).toContain("请填写完整路径");
    type("rectification-file-path", '"/home/li/证据/培训记录.pdf"');
    await settle(1);
    q("rectification-file-add").click();
    await settle();
    expect(q("rectification-file-list").textContent).toContain("培训记录.pdf");
    type("rectification-description", "已组织全员安全培训");
    m.recordRectification.mockResolvedValue(makeDetail(8));
    m.deskStatus.mockResolvedValue(deskStatus);
    await settle(1);
    q("rectification-submit").click();
    await settle(10);
    expect(m.recordRectification).toHaveBeenCalledWith(8, "已组织全员安全培训", ["/home/li/证据/培训记录.pdf"]);
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
