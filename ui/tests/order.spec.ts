import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { DeskError, toDeskError } from "../src/api/desk";
import { useOrderStore } from "../src/stores/order";
import { useInboxStore, useSpotCheckStore } from "../src/stores/inbox";
import { deskStatus, freshPinia, makeDetail, makeRow } from "./helpers";
import { appError } from "./app-error";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));
const m = vi.mocked(api);

describe("order store", () => {
  beforeEach(() => {
    freshPinia();
    vi.clearAllMocks();
    m.deskStatus.mockResolvedValue({ ...deskStatus, unsent: 4 });
    m.listInbox.mockResolvedValue({ rows: [makeRow(1), makeRow(2)], page: 1, page_size: 50, has_more: false });
    m.countInbox.mockResolvedValue({ total: 2, capped: false });
  });

  it("an action updates the detail, the inbox row and the desk status", async () => {
    const inbox = useInboxStore();
    await inbox.reload();
    const order = useOrderStore();
    m.getOrder.mockResolvedValue(makeDetail(2));
    await order.open(2);
    const claimed = makeDetail(2, { allowed_actions: ["handle", "return", "transfer"], version: 2 }, { status: "claimed", claimed_by: "李明" });
    m.claimOrder.mockResolvedValue(claimed);

    const res = await order.claim();
    expect(m.claimOrder).toHaveBeenCalledWith(2);
    expect(res).toEqual(claimed);
    expect(order.detail?.row.status).toBe("claimed");
    expect(order.detail?.allowed_actions).toEqual(["handle", "return", "transfer"]);
    expect(inbox.rows[1].status).toBe("claimed");
    expect(m.deskStatus).toHaveBeenCalled();
    expect(order.busy).toBeNull();
  });

  it("a refused transition reloads the order so its current state shows", async () => {
    const inbox = useInboxStore();
    await inbox.reload();
    const order = useOrderStore();
    m.getOrder.mockResolvedValue(makeDetail(2, {}, { status: "handled" }));
    await order.open(2);
    m.recordRectification.mockRejectedValue(
      toDeskError(appError("refused_transition", "not_allowed", { status: { kind: "status", value: "submitted" }, role: { kind: "role", value: "county_officer" }, action: { kind: "action", value: "record_rectification" } })),
    );
    m.getOrder.mockResolvedValue(makeDetail(2, { allowed_actions: [] }, { status: "submitted" }));
    await expect(order.recordRectification("补充", [])).rejects.toMatchObject({ code: "refused_transition" });
    expect(order.detail?.row.status).toBe("submitted");
    expect(inbox.rows[1].status).toBe("submitted");
  });

  it("passes the arguments of each command", async () => {
    const order = useOrderStore();
    m.getOrder.mockResolvedValue(makeDetail(5));
    await order.open(5);
    const d = makeDetail(5);
    m.handleOrder.mockResolvedValue(d);
    m.requireRectification.mockResolvedValue(d);
    m.recordRectification.mockResolvedValue(d);
    m.transferOrder.mockResolvedValue(d);
    m.returnOrder.mockResolvedValue(d);
    await order.handle("phone_warning", "已电话警示", "");
    await order.requireRectification("加强培训", "2026-12-01");
    await order.recordRectification("已培训", ["/tmp/a.jpg"]);
    await order.transfer("新乡市交通运输综合行政执法支队", "不属本辖区");
    await order.returnOrder("other", "证据不足");
    expect(m.handleOrder).toHaveBeenCalledWith(5, "phone_warning", "已电话警示", "");
    expect(m.requireRectification).toHaveBeenCalledWith(5, "加强培训", "2026-12-01");
    expect(m.recordRectification).toHaveBeenCalledWith(5, "已培训", ["/tmp/a.jpg"]);
    expect(m.transferOrder).toHaveBeenCalledWith(5, "新乡市交通运输综合行政执法支队", "不属本辖区");
    expect(m.returnOrder).toHaveBeenCalledWith(5, "other", "证据不足");
  });

  it("passes the arguments of the interception, notice, closing, spot-check and supervisor commands", async () => {
    const order = useOrderStore();
    m.getOrder.mockResolvedValue(makeDetail(6));
    await order.open(6);
    const d = makeDetail(6);
    for (const f of [
      m.interceptOrder, m.notifyAuthority, m.recordFeedback, m.closeGroundless, m.spotCheck, m.reassignOrder, m.overrideWhitelist,
    ]) f.mockResolvedValue(d);
    await order.intercept("violation_found", "车上 5 名乘客，无营运手续");
    await order.notifyAuthority("长垣市公安局交通管理大队", "请协查", null);
    await order.notifyAuthority("长垣市市场监督管理局", "请协查", "2026-12-10");
    await order.recordFeedback("已立案调查");
    await order.closeGroundless("经核查车辆为自用");
    await order.spotCheck(true, "");
    await order.spotCheck(false, "整改照片不清晰");
    await order.reassign("410782", "车辆属辉县市");
    await order.overrideWhitelist("涉嫌超员，需拦截核实");
    expect(m.interceptOrder).toHaveBeenCalledWith(6, "violation_found", "车上 5 名乘客，无营运手续");
    expect(m.notifyAuthority).toHaveBeenNthCalledWith(1, 6, "长垣市公安局交通管理大队", "请协查", null);
    expect(m.notifyAuthority).toHaveBeenNthCalledWith(2, 6, "长垣市市场监督管理局", "请协查", "2026-12-10");
    expect(m.recordFeedback).toHaveBeenCalledWith(6, "已立案调查");
    expect(m.closeGroundless).toHaveBeenCalledWith(6, "经核查车辆为自用");
    expect(m.spotCheck).toHaveBeenNthCalledWith(1, 6, true, "");
    expect(m.spotCheck).toHaveBeenNthCalledWith(2, 6, false, "整改照片不清晰");
    expect(m.reassignOrder).toHaveBeenCalledWith(6, "410782", "车辆属辉县市");
    expect(m.overrideWhitelist).toHaveBeenCalledWith(6, "涉嫌超员，需拦截核实");
  });

  it("a spot check updates the row in the 待抽查 list as well as in the inbox", async () => {
    const spot = useSpotCheckStore();
    m.listInbox.mockResolvedValue({ rows: [makeRow(2, { status: "submitted" })], page: 1, page_size: 50, has_more: false });
    await spot.reload();
    expect(m.listInbox.mock.lastCall![0].status).toEqual(["submitted"]);
    const order = useOrderStore();
    m.getOrder.mockResolvedValue(makeDetail(2, { allowed_actions: ["spot_check_pass", "spot_check_fail"] }, { status: "submitted" }));
    await order.open(2);
    let busyDuring: unknown = null;
    m.spotCheck.mockImplementation(async () => {
      busyDuring = order.busy;
      return makeDetail(2, { allowed_actions: [], outcome: "confirmed" }, { status: "closed" });
    });
    await order.spotCheck(true, "整改到位");
    expect(busyDuring).toBe("spot_check_pass");
    expect(spot.rows[0].status).toBe("closed");
    expect(order.detail?.outcome).toBe("confirmed");
  });

  it("not the claimant: the order is read again so the window shows who has it", async () => {
    const order = useOrderStore();
    m.getOrder.mockResolvedValue(makeDetail(4, { allowed_actions: ["handle"] }, { status: "claimed", claimed_by: "张伟" }));
    await order.open(4);
    m.handleOrder.mockRejectedValue(appError("not_claimant", "not_claimant", { claimant: "李明" }));
    m.getOrder.mockResolvedValue(makeDetail(4, { allowed_actions: [] }, { status: "claimed", claimed_by: "李明" }));
    await expect(order.handle("phone_warning", "x", "")).rejects.toMatchObject({ code: "not_claimant" });
    expect(order.detail?.row.claimed_by).toBe("李明");
    expect(order.detail?.allowed_actions).toEqual([]);
  });

  it("an error keeps the detail and surfaces a DeskError", async () => {
    const order = useOrderStore();
    const before = makeDetail(3, { allowed_actions: ["handle"] }, { status: "claimed" });
    m.getOrder.mockResolvedValue(before);
    await order.open(3);
    m.interceptOrder.mockRejectedValue(appError("whitelisted", "whitelisted", { plate: "豫G23456", kind: { kind: "whitelist_kind", value: "enterprise_self_use" } }));

    const err = await order.intercept("nothing_found", "").catch((e) => e);
    expect(err).toBeInstanceOf(DeskError);
    expect(err.code).toBe("whitelisted");
    expect(err.msg.key).toBe("whitelisted");
    expect(order.detail).toEqual(before);
    expect(order.busy).toBeNull();
    expect(m.deskStatus).not.toHaveBeenCalled();
  });

  it("can() follows allowed_actions", async () => {
    const order = useOrderStore();
    expect(order.can("claim")).toBe(false);
    m.getOrder.mockResolvedValue(makeDetail(1, { allowed_actions: ["claim"] }));
    await order.open(1);
    expect(order.can("claim")).toBe(true);
    expect(order.can("handle")).toBe(false);
  });
});
