import { mount, type ComponentMountingOptions } from "@vue/test-utils";
import { provideGlobalConfig } from "element-plus";
import zhCn from "element-plus/es/locale/lang/zh-cn";
import { createPinia, setActivePinia, type Pinia } from "pinia";
import type { App, Component } from "vue";
import { i18n } from "../src/i18n";
import type { InboxRow } from "../src/bindings/InboxRow";
import type { OrderDetail } from "../src/bindings/OrderDetail";
import type { DeskStatus } from "../src/bindings/DeskStatus";
import type { Rights } from "../src/bindings/Rights";
import type { TimelineEntry } from "../src/bindings/TimelineEntry";
import type { WhitelistRow } from "../src/bindings/WhitelistRow";
import type { WhitelistEntry } from "../src/bindings/WhitelistEntry";

export function makeRow(id: number, patch: Partial<InboxRow> = {}): InboxRow {
  return {
    id,
    order_no: `GD2026112400${String(id).padStart(3, "0")}`,
    status: "pending",
    industry: "hazmat",
    violation_code: "H01",
    violation_name: "疲劳驾驶",
    clue_category: 1,
    plate: "豫G12345",
    enterprise_name: "长垣市安达危险货物运输有限公司",
    credit_code: "yellow",
    licensed: true,
    county_code: "410783",
    county_name: "长垣市",
    place: "G4 京港澳高速 K620",
    detected_at: "2026-11-24 14:03",
    clock_owner: "officer",
    due_at: "2026-11-27 23:59",
    time_left: { unit: "working_days", left: 2 },
    due_provisional: false,
    claimed_by: null,
    whitelisted: false,
    // An unclaimed order on the officer's clock, as an officer's desk sees it.
    waits_for_me: true,
    ...patch,
  };
}

export function makeDetail(id: number, patch: Partial<OrderDetail> = {}, rowPatch: Partial<InboxRow> = {}): OrderDetail {
  return {
    row: makeRow(id, rowPatch),
    source: "in_trip",
    driver_name: "张建国",
    driver_phone: "13803730000",
    whitelist: null,
    enterprise: {
      id: 7,
      name: "长垣市安达危险货物运输有限公司",
      industry: "hazmat",
      credit_code: "yellow",
      credit_score: 856,
      credit_id: null,
      county_name: "长垣市",
    },
    vehicle_owner: null,
    handling_due: "2026-11-27 23:59",
    rectification_requirement: null,
    rectification_deadline: null,
    notice_authority: null,
    feedback_due: null,
    interception_override: null,
    outcome: null,
    transfer_to: null,
    version: 1,
    timeline: [makeEvent(1, "created", { actor: "省平台" })],
    allowed_actions: ["claim"],
    vehicle: { plate: "豫G12345", whitelist: [], interceptions: [] },
    ...patch,
  };
}

export function makeEvent(id: number, kind: TimelineEntry["kind"], patch: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id, at: "2026-11-24 14:03", actor: "张伟", kind, method: null, interception: null, result: null, notes: null,
    reason_code: null, reason: null, requirement: null, deadline: null, to_unit: null, evidence: [], refusal: null,
    ...patch,
  };
}

export function makeWhitelistRow(id: number, entry: Partial<WhitelistEntry> = {}, patch: Partial<WhitelistRow> = {}): WhitelistRow {
  return {
    id,
    entry: {
      plate: "豫G23456",
      kind: "repeated_clean_interception",
      status: "proposed",
      reason: "2 次拦截均未发现违法",
      event_name: null,
      valid_from: "2026-11-20",
      valid_until: null,
      decided_by: null,
      decision_reason: null,
      revoked_by: null,
      revoke_reason: null,
      ...entry,
    },
    created_at: "2026-11-20 10:00",
    updated_at: "2026-11-20 10:00",
    in_force: false,
    ...patch,
  };
}

/** What the backend sends with each role (crates/domain/src/rights.rs), as the tests' data. */
export const officerRights: Rights = {
  review_permits: false,
  keep_dishonest_list: false,
  close_permit_day: false,
  decide_whitelist: false,
  resolve_attention: false,
  spot_check: false,
};
export const deskStaffRights: Rights = { ...officerRights, review_permits: true, keep_dishonest_list: true, close_permit_day: true };
export const supervisorRights: Rights = {
  ...officerRights,
  review_permits: true,
  keep_dishonest_list: true,
  decide_whitelist: true,
  resolve_attention: true,
  spot_check: true,
};

export const deskStatus: DeskStatus = {
  user_name: "李明",
  role: "county_officer",
  rights: officerRights,
  county_code: "410783",
  county_name: "长垣市",
  city_name: "新乡市",
  order_count: 10000,
  running_alarms: 0,
  unsent: 3,
  today: "2026-11-24",
  data_dir: "/tmp/casedesk",
};
export const deskStaffStatus: DeskStatus = { ...deskStatus, user_name: "chen.jing", role: "desk_staff", rights: deskStaffRights };
export const supervisorStatus: DeskStatus = { ...deskStatus, user_name: "王主任", role: "supervisor", rights: supervisorRights };

export function freshPinia(): Pinia {
  const pinia = createPinia();
  setActivePinia(pinia);
  return pinia;
}

/**
 * What src/main.ts sets up besides pinia and i18n. Element Plus components are not registered globally:
 * the unplugin-vue-components resolver in vite.config.ts imports them (and v-loading) per component, here too.
 */
const elementPlusConfig = { install: (app: App) => void provideGlobalConfig({ locale: zhCn }, app, true) };

export function mountApp<C extends Component>(comp: C, pinia: Pinia, options: ComponentMountingOptions<C> = {}) {
  i18n.global.locale.value = "zh-CN";
  return mount(comp, {
    attachTo: document.body,
    ...options,
    global: { plugins: [pinia, i18n, elementPlusConfig], ...(options.global ?? {}) },
  } as ComponentMountingOptions<C>);
}

/** Resolve pending promises and let Vue re-render a few times (async-validator is promise based). */
export async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** Element Plus debounces showing a form-item error (validateStateDebounced). */
export async function settleErrors() {
  await settle();
  await new Promise((r) => setTimeout(r, 250));
  await settle();
}

/** Waits for an element (an async component's chunk may take a moment to arrive in the test runner). */
export async function waitFor(selector: string, timeoutMs = 5000): Promise<HTMLElement> {
  const started = Date.now();
  for (;;) {
    const el = document.querySelector(selector);
    if (el) return el as HTMLElement;
    if (Date.now() - started > timeoutMs) throw new Error(`${selector} did not appear`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
