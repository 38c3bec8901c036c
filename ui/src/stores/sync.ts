import { defineStore } from "pinia";
import { computed, ref } from "vue";
import * as api from "../api/desk";
import type { SignedIn } from "../bindings/SignedIn";
import type { SyncOverview } from "../bindings/SyncOverview";
import type { SyncReport } from "../bindings/SyncReport";
import type { AutoSyncStatus } from "../bindings/AutoSyncStatus";
import type { UploadProgress } from "../bindings/UploadProgress";
import { useDeskStore } from "./desk";

/** How often the evidence upload's progress is read while a sync runs. */
const UPLOAD_POLL_MS = 500;

/** The hub a desk signs in to when it has never signed in anywhere. */
export const DEFAULT_HUB_URL = "http://127.0.0.1:8740";

/**
 * 同步: who is signed in to the hub, the last sync, what waits and what the hub refused.
 * The password passes straight through `login` to the backend and is never kept here.
 */
export const useSyncStore = defineStore("sync", () => {
  const overview = ref<SyncOverview | null>(null);
  const loading = ref(false);
  const loaded = ref(false);
  /** Why the overview could not be read (the page shows it with 重试). */
  const error = ref<api.DeskError | null>(null);
  const signingIn = ref(false);
  const signingOut = ref(false);
  /** A sync is running. */
  const busy = ref(false);
  const lastReport = ref<SyncReport | null>(null);
  /** Why the last sync failed (cleared when the next one starts). */
  const syncError = ref<api.DeskError | null>(null);
  /** The background sync: its last outcome and when it tries next. */
  const auto = ref<AutoSyncStatus | null>(null);
  /** Counts background syncs that changed rows in the cache: the inbox reloads on it. */
  const changedRows = ref(0);
  /** The evidence file the running sync is sending, with bytes and speed (null when none). */
  const upload = ref<UploadProgress | null>(null);
  let seq = 0;

  const signedIn = computed<SignedIn | null>(() => overview.value?.signed_in ?? null);
  const refusals = computed(() => overview.value?.refusals ?? []);
  /** The address and user the sign-in form starts from: the cache's previous ones, else the default hub. */
  const defaultHubUrl = computed(() => overview.value?.hub_url || DEFAULT_HUB_URL);
  const defaultUsername = computed(() => overview.value?.username ?? "");

  async function load(): Promise<SyncOverview | null> {
    const my = ++seq;
    loading.value = true;
    try {
      const o = await api.syncOverview();
      if (my !== seq) return overview.value;
      overview.value = o;
      loaded.value = true;
      error.value = null;
      return o;
    } catch (e) {
      if (my !== seq) return overview.value;
      error.value = api.toDeskError(e);
      throw error.value;
    } finally {
      if (my === seq) loading.value = false;
    }
  }

  /** Reloads the overview and the header's counts after something changed; their failures are not this action's. */
  async function refresh(): Promise<void> {
    await Promise.all([load().catch(() => undefined), useDeskStore().loadStatus()]);
  }

  async function login(hubUrl: string, username: string, password: string): Promise<SignedIn> {
    signingIn.value = true;
    try {
      const who = await api.hubLogin(hubUrl.trim(), username.trim(), password);
      lastReport.value = null;
      syncError.value = null;
      await refresh();
      return who;
    } catch (e) {
      throw api.toDeskError(e);
    } finally {
      signingIn.value = false;
    }
  }

  async function logout(): Promise<void> {
    signingOut.value = true;
    try {
      await api.hubLogout();
      lastReport.value = null;
      syncError.value = null;
      await refresh();
    } catch (e) {
      throw api.toDeskError(e);
    } finally {
      signingOut.value = false;
    }
  }

  /** Pushes the outbox, then pulls; the refusals and counts are read again whatever happened. */
  async function syncNow(): Promise<SyncReport> {
    if (busy.value) throw new api.DeskError("invalid_input", null, { uiKey: "sync.busy" });
    busy.value = true;
    syncError.value = null;
    upload.value = null;
    // The sync holds the desk until it ends; the upload's progress is read beside it.
    const timer = setInterval(() => {
      api.syncProgress().then(
        (p) => {
          if (busy.value && p && !p.done) upload.value = p;
        },
        () => undefined,
      );
    }, UPLOAD_POLL_MS);
    try {
      const report = await api.syncNow();
      lastReport.value = report;
      return report;
    } catch (e) {
      syncError.value = api.toDeskError(e);
      throw syncError.value;
    } finally {
      clearInterval(timer);
      upload.value = null;
      await refresh();
      busy.value = false;
    }
  }

  /** 放弃: the refused action leaves the list (kept with a record); the list is read again. */
  async function dismissRefusal(seq: number): Promise<void> {
    try {
      await api.dismissRefusal(seq);
    } catch (e) {
      throw api.toDeskError(e);
    } finally {
      await refresh();
    }
  }

  /** 重做: the action decided again on the order as it is now and queued; the order after it. */
  async function redoRefusal(seq: number) {
    try {
      return await api.redoRefusal(seq);
    } catch (e) {
      throw api.toDeskError(e);
    } finally {
      await refresh();
    }
  }

  /** One attempt of the background sync finished: counts and refusals are read again. */
  function onAutoSync(status: AutoSyncStatus): void {
    auto.value = status;
    const r = status.last_report;
    if (status.state === "synced" && r && r.pulled_orders + r.pulled_whitelist + r.departed_orders + r.pushed + r.refused.length > 0) {
      changedRows.value++;
    }
    void refresh();
  }

  /** Follows the background sync (once, from the app shell); returns the function that stops it. */
  async function follow(): Promise<() => void> {
    const stop = await api.onSyncStatus(onAutoSync);
    try {
      auto.value = await api.autoSyncStatus();
    } catch {
      /* the next attempt's event brings it */
    }
    return stop;
  }

  return {
    overview, loading, loaded, error, signingIn, signingOut, busy, lastReport, syncError, auto, changedRows, upload,
    signedIn, refusals, defaultHubUrl, defaultUsername,
    load, login, logout, syncNow, follow, onAutoSync, dismissRefusal, redoRefusal,
  };
});
