import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../src/api/desk";
import { DeskError } from "../src/api/desk";
import { useOrderStore } from "../src/stores/order";
import { useInboxStore } from "../src/stores/inbox";
import { deskStatus, freshPinia, makeDetail, makeRow } from "./helpers";

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
      new DeskError("refused_transition", "工单当前为“待抽查”，不能记录整改。", "refused"),
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
    await order.returnOrder("证据不足");
    expect(m.handleOrder).toHaveBeenCalledWith(5, "phone_warning", "已电话警示", "");
    expect(m.requireRectification).toHaveBeenCalledWith(5, "加强培训", "2026-12-01");
    expect(m.recordRectification).toHaveBeenCalledWith(5, "已培训", ["/tmp/a.jpg"]);
    expect(m.transferOrder).toHaveBeenCalledWith(5, "新乡市交通运输综合行政执法支队", "不属本辖区");
    expect(m.returnOrder).toHaveBeenCalledWith(5, "证据不足");
  });

  it("an error keeps the detail and surfaces a DeskError", async () => {
    const order = useOrderStore();
    const before = makeDetail(3, { allowed_actions: ["handle"] }, { status: "claimed" });
    m.getOrder.mockResolvedValue(before);
    await order.open(3);
    m.handleOrder.mockRejectedValue({ code: "whitelisted", message_zh: "白名单车辆原则上不拦截", message_en: "Whitelisted vehicle" });

    const err = await order.handle("interception", "布控", "").catch((e) => e);
    expect(err).toBeInstanceOf(DeskError);
    expect(err.code).toBe("whitelisted");
    expect(err.message_zh).toBe("白名单车辆原则上不拦截");
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
