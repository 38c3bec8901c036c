import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { appError } from "./app-error";

const invoke = vi.fn();
const open = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock("@tauri-apps/plugin-dialog", () => ({ open: (...a: unknown[]) => open(...a) }));

const api = await import("../src/api/desk");
const { commands } = await import("../src/bindings/commands");

// Vitest runs from ui/.
const SRC = join(process.cwd(), "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|vue)$/.test(name) ? [p] : [];
  });
}

describe("the backend API comes from the generated commands", () => {
  beforeEach(() => {
    invoke.mockReset();
    open.mockReset();
  });

  it("exports every generated command (frontend_ready behind its own wrapper)", () => {
    const generated = Object.keys(commands(async () => null as never));
    const exported = api as unknown as Record<string, unknown>;
    for (const name of generated) {
      expect(typeof exported[name], name).toBe("function");
    }
    expect(generated.length).toBeGreaterThanOrEqual(30);
  });

  it("no command name is typed by hand outside the generated module", () => {
    const offenders = sources(SRC)
      .filter((p) => !p.includes(`${join("src", "bindings")}`))
      .filter((p) => /invoke\s*(<[^>]*>)?\s*\(\s*["'`]/.test(readFileSync(p, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("sends the Rust command with camelCase argument keys", async () => {
    invoke.mockResolvedValue({});
    await api.returnOrder(5, "other", "该车已注销");
    expect(invoke).toHaveBeenLastCalledWith("return_order", { id: 5, reasonCode: "other", reason: "该车已注销" });
    await api.interceptOrder(5, "violation_found", "");
    expect(invoke).toHaveBeenLastCalledWith("intercept_order", { id: 5, outcome: "violation_found", notes: "" });
    await api.notifyAuthority(5, "长垣市公安局", "请协查", null);
    expect(invoke).toHaveBeenLastCalledWith("notify_authority", { id: 5, authority: "长垣市公安局", content: "请协查", feedbackDue: null });
    await api.spotCheck(5, false, "照片不清晰");
    expect(invoke).toHaveBeenLastCalledWith("spot_check", { id: 5, passed: false, notes: "照片不清晰" });
    await api.reassignOrder(5, "410782", "车辆属辉县市");
    expect(invoke).toHaveBeenLastCalledWith("reassign_order", { id: 5, countyCode: "410782", reason: "车辆属辉县市" });
    await api.listWhitelist(null, "G123");
    expect(invoke).toHaveBeenLastCalledWith("list_whitelist", { status: null, plate: "G123" });
    await api.addWhitelist("豫G12345", "large_event_rental", "马拉松保障用车", "2026 新乡马拉松", "2026-12-01", "2026-12-03");
    expect(invoke).toHaveBeenLastCalledWith("add_whitelist", {
      plate: "豫G12345", kind: "large_event_rental", reason: "马拉松保障用车", eventName: "2026 新乡马拉松",
      validFrom: "2026-12-01", validUntil: "2026-12-03",
    });
    await api.setProfile("王主任", "supervisor", "410783");
    expect(invoke).toHaveBeenLastCalledWith("set_profile", { userName: "王主任", role: "supervisor", countyCode: "410783" });
    await api.deskStatus();
    expect(invoke).toHaveBeenLastCalledWith("desk_status", undefined);
  });

  it("a rejected AppError becomes a DeskError with its message key and parameters; anything else a generic one", async () => {
    const rejected = appError("not_claimant", "not_claimant", { claimant: "李明" });
    invoke.mockRejectedValueOnce(rejected);
    const e = await api.claimOrder(3).catch((x) => x);
    expect(e).toBeInstanceOf(api.DeskError);
    expect(e).toMatchObject({ code: "not_claimant", msg: rejected.message });
    invoke.mockRejectedValueOnce("ipc closed");
    const g = await api.getOrder(3).catch((x) => x);
    expect(g.code).toBe("unknown");
    expect(g.msg).toBeNull();
    expect(g.detail).toBe("ipc closed");
  });

  it("frontend_ready carries the page's timings and never throws", async () => {
    invoke.mockRejectedValueOnce(new Error("not measured"));
    await expect(api.frontendReady()).resolves.toBeUndefined();
    const [cmd, args] = invoke.mock.lastCall!;
    expect(cmd).toBe("frontend_ready");
    expect(JSON.parse((args as { timings: string }).timings)).toHaveProperty("ready");
  });

  it("the evidence picker is the backend's: the page passes labels, never paths or extensions", async () => {
    invoke.mockResolvedValue([{ id: "g1", file_name: "a.jpg", size: 10, mime: "image/jpeg", refusal: null }]);
    const picked = await api.pickEvidenceFiles("选择证据文件", "照片或 PDF", "图片", "PDF 文件");
    expect(picked[0].id).toBe("g1");
    expect(invoke).toHaveBeenLastCalledWith("pick_evidence_files", {
      title: "选择证据文件", allLabel: "照片或 PDF", photosLabel: "图片", pdfLabel: "PDF 文件",
    });
    expect(open).not.toHaveBeenCalled();
    // The kinds offered come from the store's one list (rules.ts): no HEIC, BMP or GIF.
    const { EVIDENCE_KINDS } = await import("../src/bindings/rules");
    expect(EVIDENCE_KINDS.flatMap((k) => k.extensions).sort()).toEqual(["jpeg", "jpg", "pdf", "png", "webp"]);
  });

  it("a rectification attaches files by their grant ids", async () => {
    invoke.mockResolvedValue({});
    await api.recordRectification(7, "已整改", ["g1", "g2"]);
    expect(invoke).toHaveBeenLastCalledWith("record_rectification", { id: 7, description: "已整改", files: ["g1", "g2"] });
  });
});
