// The backend's messages rendered from assets/messages: both catalogues complete and alike,
// parameters substituted, names from the catalogue (never a Rust name), in the window's language.
import { afterEach, describe, expect, it } from "vitest";
import { catalogues, fill, placeholders, renderMessage, type Catalogue } from "../src/i18n/messages";
import { i18n } from "../src/i18n";
import { errorText } from "../src/utils/errors";
import { toDeskError } from "../src/api/desk";
import type { AppLocale } from "../src/i18n";
import { appError } from "./app-error";

/** What one catalogue has that the other lacks, and templates whose parameters differ. */
function gaps(a: Catalogue, b: Catalogue): string[] {
  const out: string[] = [];
  const sections = new Set([...Object.keys(a), ...Object.keys(b)].filter((s) => s !== "note"));
  for (const s of sections) {
    const x = (a[s] ?? {}) as Record<string, string>;
    const y = (b[s] ?? {}) as Record<string, string>;
    for (const k of Object.keys(x)) if (!(k in y)) out.push(`second lacks ${s}.${k}`);
    for (const k of Object.keys(y)) if (!(k in x)) out.push(`first lacks ${s}.${k}`);
    for (const k of Object.keys(x)) {
      // Two-language texts (the hub's own, or one kept in the cache) show one parameter each.
      if (!(k in y) || k === "hub_says" || k === "kept_text") continue;
      const p = placeholders(x[k]).sort().join(",");
      const q = placeholders(y[k]).sort().join(",");
      if (p !== q) out.push(`${s}.${k}: {${p}} vs {${q}}`);
    }
  }
  return out;
}

describe("message catalogues", () => {
  afterEach(() => {
    i18n.global.locale.value = "zh-CN";
  });

  it("have the same keys and parameters in both languages, every text non-empty", () => {
    expect(gaps(catalogues["zh-CN"], catalogues.en)).toEqual([]);
    for (const locale of ["zh-CN", "en"] as AppLocale[]) {
      for (const [key, text] of Object.entries(catalogues[locale].error)) {
        expect(text.trim(), `${locale} error.${key}`).not.toBe("");
      }
    }
    expect(Object.keys(catalogues.en.error).length).toBeGreaterThan(40);
  });

  it("the check fails when a catalogue lacks a key or a parameter", () => {
    const en = structuredClone(catalogues.en);
    delete en.error.not_claimant;
    (en.status as Record<string, string>).pending = undefined as unknown as string;
    delete (en.status as Record<string, string>).pending;
    en.error.whitelisted = "Vehicle {plate} is whitelisted.";
    expect(gaps(catalogues["zh-CN"], en)).toEqual([
      "second lacks error.not_claimant",
      "error.whitelisted: {kind,plate} vs {plate}",
      "second lacks status.pending",
    ]);
  });

  it("substitutes parameters: data as it is, names from the language's sections", () => {
    const refused = appError("refused_transition", "not_allowed", {
      status: { kind: "status", value: "submitted" },
      role: { kind: "role", value: "county_officer" },
      action: { kind: "action", value: "spot_check_pass" },
    }).message;
    const en = renderMessage(refused, "en");
    expect(en).toBe(
      `Refused: the order is "Awaiting spot check", and "Pass spot check" is not open to the role "County officer" in that state. Refresh and act on the order's current state.`,
    );
    expect(en).not.toMatch(/CountyOfficer|SpotCheckPass|county_officer/);
    expect(renderMessage(refused, "zh-CN")).toBe("工单当前为“待抽查”，县区执法人员不能执行“抽查通过”。请刷新后按当前状态办理。");
    const long = appError("invalid_input", "text_too_long", { field: { kind: "field", value: "result" }, len: "501", max: "500" }).message;
    expect(renderMessage(long, "en")).toBe("Too long: the result has 501 characters; the limit is 500.");
    expect(renderMessage(long, "zh-CN")).toBe("处置结果共 501 字，超过 500 字的上限，请精简。");
    // The hub's two-language text: each language shows its own.
    const hub = appError("hub_refused", "hub_says", { message_zh: "已被李娜认领", message_en: "claimed by 李娜" }).message;
    expect(renderMessage(hub, "zh-CN")).toBe("已被李娜认领");
    expect(renderMessage(hub, "en")).toBe("claimed by 李娜");
  });

  it("keeps an unknown placeholder and falls back to the key for an unknown message", () => {
    expect(fill("a {x} b {y}", (n) => (n === "x" ? "1" : undefined))).toBe("a 1 b {y}");
    const m = { key: "no_such_key" as never, params: {} };
    expect(renderMessage(m, "en")).toBe("no_such_key");
  });

  it("errorText follows the window's language", () => {
    const e = toDeskError(appError("whitelisted", "whitelisted", { plate: "豫G23456", kind: { kind: "whitelist_kind", value: "enterprise_self_use" } }));
    expect(errorText(e)).toBe("车辆豫G23456在白名单内（企业自用车辆），原则上不予布控拦截。确需拦截的，须由监管负责人书面下达布控指令。");
    i18n.global.locale.value = "en";
    expect(errorText(e)).toBe("Vehicle 豫G23456 is whitelisted (Enterprise self-use vehicle); it is not intercepted unless a supervisor orders it in writing.");
    expect(errorText("ipc closed")).toContain("could not be completed (ipc closed)");
  });
});

describe("catalog names follow the language", () => {
  it("a violation type is named from the catalog in the window's language; an unknown code keeps the row's name", async () => {
    const { freshPinia } = await import("./helpers");
    const { useDeskStore } = await import("../src/stores/desk");
    freshPinia();
    const desk = useDeskStore();
    desk.violations = [
      { code: "KY-002", name: "疲劳驾驶", name_en: "Fatigued driving", industry: "scheduled_coach", clue_category: 1, path: "intervention", source: "in_trip", response: { minutes: 30 }, suspected_illegal_operation: false } as never,
    ];
    desk.setLocale("zh-CN");
    expect(desk.violationName("KY-002", "x")).toBe("疲劳驾驶");
    desk.setLocale("en");
    expect(desk.violationName("KY-002", "x")).toBe("Fatigued driving");
    expect(desk.violationName("ZZ-9", "某类型")).toBe("某类型");
    desk.setLocale("zh-CN");
  });

  it("the system's whitelist reason is shown in the window's language; a typed reason as it is", async () => {
    const { reasonText, systemReasonCount } = await import("../src/utils/whitelist");
    const template = catalogues["zh-CN"].whitelistReason.clean_interceptions;
    expect(systemReasonCount("3 次拦截未发现违法行为，无违法失信记录", template)).toBe(3);
    expect(systemReasonCount("企业自有车辆", template)).toBeNull();
    const entry = { kind: "repeated_clean_interception", reason: "3 次拦截未发现违法行为，无违法失信记录" } as never;
    i18n.global.locale.value = "en";
    expect(reasonText(entry, i18n.global.t)).toBe("Intercepted 3 times with nothing illegal found; no record of violations or dishonesty");
    const typed = { kind: "enterprise_self_use", reason: "企业自有车辆，仅用于本企业职工通勤" } as never;
    expect(reasonText(typed, i18n.global.t)).toBe("企业自有车辆，仅用于本企业职工通勤");
    i18n.global.locale.value = "zh-CN";
    expect(reasonText(entry, i18n.global.t)).toBe("3 次拦截未发现违法行为，无违法失信记录");
  });
});
