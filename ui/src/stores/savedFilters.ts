import { defineStore } from "pinia";
import { ref } from "vue";
import * as api from "../api/desk";
import type { InboxQuery } from "../bindings/InboxQuery";
import type { SavedFilter } from "../bindings/SavedFilter";
import { buildQuery, useInboxStore } from "./inbox";

/**
 * Whether the list's query is still what a saved filter holds (its page aside): changing a filter
 * by hand leaves the saved one.
 */
export function sameFilter(a: InboxQuery, b: InboxQuery): boolean {
  const norm = (q: InboxQuery) => {
    const c = buildQuery({ ...q, page: 1 });
    return JSON.stringify({ ...c, status: [...c.status].sort() });
  };
  return norm(a) === norm(b);
}

/**
 * 常用筛选: the inbox's filters saved under a name in the desk's cache (so the CLI sees them too),
 * applied, deleted, and the one in use restored when the window starts.
 */
export const useSavedFiltersStore = defineStore("savedFilters", () => {
  const filters = ref<SavedFilter[]>([]);
  /** The saved filter the list shows now, or null once the filters were changed by hand. */
  const current = ref<string | null>(null);
  const loaded = ref(false);

  async function load(): Promise<void> {
    filters.value = await api.listFilters();
    loaded.value = true;
  }

  /** Saves the inbox's current query under `name` (replacing one of that name). */
  async function save(name: string): Promise<SavedFilter> {
    const inbox = useInboxStore();
    const saved = await api.saveFilter(name, buildQuery(inbox.query));
    current.value = saved.name;
    await load();
    return saved;
  }

  async function apply(name: string): Promise<void> {
    const inbox = useInboxStore();
    const saved = await api.useFilter(name);
    if (!saved) return;
    current.value = saved.name;
    await inbox.applyQuery(saved.query);
    await load();
  }

  async function remove(name: string): Promise<void> {
    await api.deleteFilter(name);
    if (current.value === name) current.value = null;
    await load();
  }

  /**
   * At start: the filter in use when the window last closed is applied again (before the first
   * page is asked for, so the inbox opens on it). False when none was in use.
   */
  async function restore(): Promise<boolean> {
    const saved = await api.filterInUse();
    void load().catch(() => undefined);
    if (!saved) return false;
    current.value = saved.name;
    const inbox = useInboxStore();
    await inbox.applyQuery(saved.query);
    return true;
  }

  /**
   * Called after the list's query changed: a hand-made change leaves the saved filter, which is
   * then no longer restored at start.
   */
  function noteQuery(query: InboxQuery): void {
    if (!current.value) return;
    const saved = filters.value.find((f) => f.name === current.value);
    if (saved && sameFilter(saved.query, query)) return;
    if (!saved && !loaded.value) return;
    current.value = null;
    void api.useFilter(null).catch(() => undefined);
  }

  return { filters, current, loaded, load, save, apply, remove, restore, noteQuery };
});
