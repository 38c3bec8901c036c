import { defineStore } from "pinia";
import { ref } from "vue";
import * as api from "../api/desk";
import type { ActionKind } from "../bindings/ActionKind";
import type { HandlingMethod } from "../bindings/HandlingMethod";
import type { InterceptionOutcome } from "../bindings/InterceptionOutcome";
import type { OrderDetail } from "../bindings/OrderDetail";
import type { ReturnReason } from "../bindings/ReturnReason";
import type { InboxRow } from "../bindings/InboxRow";
import { useDeskStore } from "./desk";
import { allInboxStores } from "./inbox";

/** Refusals that mean the order changed elsewhere or is not the user's: show its current state. */
const STALE_CODES = new Set(["refused_transition", "not_claimant", "outside_jurisdiction"]);

function updateLists(row: InboxRow) {
  for (const list of allInboxStores()) list.updateRow(row);
}

export const useOrderStore = defineStore("order", () => {
  const detail = ref<OrderDetail | null>(null);
  const openId = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);
  /** The action currently running (for button loading states). */
  const busy = ref<ActionKind | null>(null);
  let seq = 0;

  async function open(id: number): Promise<OrderDetail | null> {
    const my = ++seq;
    openId.value = id;
    loading.value = true;
    error.value = null;
    if (detail.value?.row.id !== id) detail.value = null;
    try {
      const d = await api.getOrder(id);
      if (my === seq) detail.value = d;
      return d;
    } catch (e) {
      if (my === seq) error.value = api.toDeskError(e);
      throw api.toDeskError(e);
    } finally {
      if (my === seq) loading.value = false;
    }
  }

  function close() {
    seq++;
    openId.value = null;
    detail.value = null;
    loading.value = false;
    error.value = null;
  }

  function can(kind: ActionKind): boolean {
    return !!detail.value && detail.value.allowed_actions.includes(kind);
  }

  /** Run one action: returns the updated detail, refreshes the inbox row and the desk status. */
  async function run(kind: ActionKind, call: (id: number) => Promise<OrderDetail>): Promise<OrderDetail> {
    const current = detail.value;
    if (!current) throw api.toDeskError("no order open");
    busy.value = kind;
    try {
      const d = await call(current.row.id);
      if (openId.value === d.row.id) detail.value = d;
      updateLists(d.row);
      void useDeskStore().loadStatus();
      return d;
    } catch (e) {
      const err = api.toDeskError(e);
      // The order changed elsewhere (another process, a later sync): show its current state.
      // The form keeps what was typed.
      if (STALE_CODES.has(err.code) && openId.value === current.row.id) {
        try {
          const fresh = await api.getOrder(current.row.id);
          if (openId.value === fresh.row.id) detail.value = fresh;
          updateLists(fresh.row);
        } catch {
          // Keep the stale view; the error below still tells the user what happened.
        }
      }
      throw err;
    } finally {
      busy.value = null;
    }
  }

  const claim = () => run("claim", (id) => api.claimOrder(id));

  /**
   * 撤销认领 of order `id` (not necessarily the one open now: J/K may have moved on). The backend
   * refuses once the claim was sent or the order changed; the lists and header follow either way.
   */
  async function undoClaim(id: number): Promise<OrderDetail> {
    try {
      const d = await api.undoClaim(id);
      if (openId.value === d.row.id) detail.value = d;
      updateLists(d.row);
      return d;
    } finally {
      void useDeskStore().loadStatus();
    }
  }
  const handle = (method: HandlingMethod, result: string, notes: string) =>
    run("handle", (id) => api.handleOrder(id, method, result, notes));
  const requireRectification = (requirement: string, deadline: string) =>
    run("require_rectification", (id) => api.requireRectification(id, requirement, deadline));
  const recordRectification = (description: string, files: string[]) =>
    run("record_rectification", (id) => api.recordRectification(id, description, files));
  const submitForSpotCheck = () => run("submit_for_spot_check", (id) => api.submitForSpotCheck(id));
  const returnOrder = (code: ReturnReason, reason: string) => run("return", (id) => api.returnOrder(id, code, reason));
  const transfer = (toUnit: string, reason: string) => run("transfer", (id) => api.transferOrder(id, toUnit, reason));
  const intercept = (outcome: InterceptionOutcome, notes: string) =>
    run("intercept", (id) => api.interceptOrder(id, outcome, notes));
  const notifyAuthority = (authority: string, content: string, feedbackDue: string | null) =>
    run("notify_authority", (id) => api.notifyAuthority(id, authority, content, feedbackDue));
  const recordFeedback = (feedback: string) => run("record_feedback", (id) => api.recordFeedback(id, feedback));
  const closeGroundless = (finding: string) => run("close_groundless", (id) => api.closeGroundless(id, finding));
  /** Supervisors: pass (optional notes) closes the order; fail (a reason) sends it back for rework. */
  const spotCheck = (passed: boolean, notes: string) =>
    run(passed ? "spot_check_pass" : "spot_check_fail", (id) => api.spotCheck(id, passed, notes));
  const reassign = (countyCode: string, reason: string) =>
    run("reassign", (id) => api.reassignOrder(id, countyCode, reason));
  const overrideWhitelist = (reason: string) => run("override_whitelist", (id) => api.overrideWhitelist(id, reason));

  return {
    detail, openId, loading, error, busy, open, close, can,
    claim, undoClaim, handle, requireRectification, recordRectification, submitForSpotCheck, returnOrder, transfer,
    intercept, notifyAuthority, recordFeedback, closeGroundless, spotCheck, reassign, overrideWhitelist,
  };
});
