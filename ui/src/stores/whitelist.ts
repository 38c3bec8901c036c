import { defineStore } from "pinia";
import { computed, ref } from "vue";
import * as api from "../api/desk";
import type { WhitelistRow } from "../bindings/WhitelistRow";
import type { WhitelistStatus } from "../bindings/WhitelistStatus";
import type { WhitelistKind } from "../bindings/WhitelistKind";
import { useDeskStore } from "./desk";

/** A supervisor's decision on one vehicle's entry. */
export type WhitelistDecision = "approve" | "decline" | "revoke";

/** What the add dialog sends: a self-use vehicle, or a vehicle rented for a large event. */
export type WhitelistAddition = {
  plate: string;
  kind: Exclude<WhitelistKind, "repeated_clean_interception">;
  reason: string;
  eventName: string | null;
  validFrom: string | null;
  validUntil: string | null;
};

/** Which decisions an entry admits: a proposal is approved or declined; an approved entry revoked. */
export function decisionsFor(row: WhitelistRow): WhitelistDecision[] {
  switch (row.entry.status) {
    case "proposed":
      return ["approve", "decline"];
    case "approved":
      return ["revoke"];
    default:
      return [];
  }
}

/** Plates as typed, as the backend reads them: no separators, letters upper case ("豫g·123 45" -> "豫G12345"). */
export function normalizePlate(raw: string): string {
  return raw.replace(/[·•\s-]/g, "").toUpperCase();
}

/** A Henan plate: 豫, city letter, then 5 letters and digits without I/O (6 new-energy, 4 + 挂 trailer). */
export function isPlate(raw: string): boolean {
  return /^豫[A-Z]([A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}挂)$/.test(normalizePlate(raw));
}

export const useWhitelistStore = defineStore("whitelist", () => {
  const rows = ref<WhitelistRow[]>([]);
  /** The status shown; null shows every entry. */
  const status = ref<WhitelistStatus | null>(null);
  /** Part of a plate the entries must contain ("" for any), as typed; the backend normalizes it. */
  const plate = ref("");
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<unknown>(null);
  /** The plate a decision is running for (button loading states). */
  const busy = ref<string | null>(null);
  let seq = 0;

  const proposed = computed(() => rows.value.filter((r) => r.entry.status === "proposed").length);
  /** Only a supervisor decides; everyone else sees the page read-only. */
  const canDecide = computed(() => useDeskStore().rights?.decide_whitelist === true);

  async function load(): Promise<void> {
    const my = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const list = await api.listWhitelist(status.value, plate.value.trim() || null);
      if (my !== seq) return;
      rows.value = list;
      loaded.value = true;
    } catch (e) {
      if (my !== seq) return;
      error.value = api.toDeskError(e);
      throw error.value;
    } finally {
      if (my === seq) loading.value = false;
    }
  }

  function setStatus(s: WhitelistStatus | null) {
    status.value = s;
    return load();
  }

  function setPlate(p: string) {
    plate.value = p;
    return load();
  }

  /** Puts a changed entry in the list: replaced where it was, or added when it is new. */
  function put(row: WhitelistRow) {
    const i = rows.value.findIndex((r) => r.id === row.id);
    const fits = status.value === null || row.entry.status === status.value;
    if (i >= 0 && fits) rows.value.splice(i, 1, row);
    else if (i >= 0) rows.value.splice(i, 1);
    else if (fits) rows.value.unshift(row);
  }

  async function run(plate: string, call: () => Promise<WhitelistRow>): Promise<WhitelistRow> {
    busy.value = plate;
    try {
      const row = await call();
      // Shown at once where it was; the reload then puts it where the backend's order has it
      // (proposals first, by status, newest first: the page and its export list them so).
      put(row);
      void useDeskStore().loadStatus();
      void load().catch(() => undefined);
      return row;
    } catch (e) {
      throw api.toDeskError(e);
    } finally {
      busy.value = null;
    }
  }

  function decide(decision: WhitelistDecision, plate: string, reason: string): Promise<WhitelistRow> {
    const call = { approve: api.approveWhitelist, decline: api.declineWhitelist, revoke: api.revokeWhitelist }[decision];
    return run(plate, () => call(plate, reason));
  }

  function add(a: WhitelistAddition): Promise<WhitelistRow> {
    const plate = normalizePlate(a.plate);
    return run(plate, () => api.addWhitelist(plate, a.kind, a.reason, a.eventName, a.validFrom, a.validUntil));
  }

  return { rows, status, plate, loading, loaded, error, busy, proposed, canDecide, load, setStatus, setPlate, decide, add };
});
