import { defineStore } from "pinia";
import { computed, reactive, ref } from "vue";
import * as api from "../api/desk";
import type { InboxQuery } from "../bindings/InboxQuery";
import type { InboxRow } from "../bindings/InboxRow";
import type { InboxCount } from "../bindings/InboxCount";
import type { SortKey } from "../bindings/SortKey";
import type { BatchItem } from "../bindings/BatchItem";
import type { BatchAction } from "../bindings/BatchAction";
import { formatInt, isFinished } from "../utils/format";

export const PAGE_SIZES = [50, 100, 200];

/** The filter part of the query (everything the user narrows the list with). */
export type InboxFilters = Pick<
  InboxQuery,
  "status" | "industry" | "violation_code" | "clue_category" | "due" | "mine" | "open_only" | "waiting_for_me" | "search"
>;

/** The list's scope, which "清除筛选" keeps: 只看未办结 and the view (待我办理 or 全部). */
type Scope = "open_only" | "waiting_for_me";

/**
 * Filters that "清除筛选" resets. The scope is not among them: `open_only` (on by default, hides
 * closed and transferred orders) and the view (`waiting_for_me`, 待我办理) stay as the user set them.
 */
export function emptyFilters(): Omit<InboxFilters, Scope> {
  return { status: [], industry: null, violation_code: null, clue_category: null, due: null, mine: false, search: null };
}

/** Filters a list always has (the 待抽查 list is the submitted orders); "清除筛选" keeps them. */
export type FixedFilters = Partial<Omit<InboxFilters, Scope>>;

/**
 * A list's first query. `waitingForMe` opens on 待我办理 (the orders whose running clock is the
 * user's, by the backend's one rule of whose turn it is): the default view of the inbox.
 */
export function defaultQuery(fixed: FixedFilters = {}, waitingForMe = false): InboxQuery {
  return {
    ...emptyFilters(), ...fixed, open_only: true, waiting_for_me: waitingForMe,
    sort: "deadline", descending: false, page: 1, page_size: 50,
  };
}

/**
 * Keep status and open_only from contradicting each other: choosing 已办结/已转办 turns open_only
 * off (otherwise the list would always be empty); turning open_only on drops such a status.
 */
export function reconcileFilters(q: InboxFilters, patch: Partial<InboxFilters>): void {
  if (patch.status?.some(isFinished)) q.open_only = false;
  else if (patch.open_only && q.status.some(isFinished)) q.status = q.status.filter((s) => !isFinished(s));
}

/** A clean copy for the backend: trimmed search, empty strings as null. */
export function buildQuery(q: InboxQuery): InboxQuery {
  const search = q.search?.trim() ?? "";
  return {
    status: [...(q.status ?? [])],
    industry: q.industry || null,
    violation_code: q.violation_code || null,
    clue_category: q.clue_category ?? null,
    due: q.due || null,
    mine: !!q.mine,
    open_only: !!q.open_only,
    waiting_for_me: !!q.waiting_for_me,
    search: search === "" ? null : search,
    sort: q.sort,
    descending: q.descending,
    page: Math.max(1, Math.floor(q.page)),
    page_size: q.page_size,
  };
}

/**
 * True when a narrowing filter is set (open_only is the default scope, not counted here, and
 * neither are the list's fixed filters).
 */
export function hasFilters(q: InboxQuery, fixed: FixedFilters = {}): boolean {
  const b = buildQuery(q);
  const set = (k: keyof FixedFilters, on: boolean) => on && !(k in fixed);
  return (
    set("status", b.status.length > 0) || set("industry", b.industry !== null) ||
    set("violation_code", b.violation_code !== null) || set("clue_category", b.clue_category !== null) ||
    set("due", b.due !== null) || set("mine", b.mine) || set("search", b.search !== null)
  );
}

/**
 * The order number a search term reads as (GD and digits), cleaned the way the backend reads
 * it: upper case, without spaces, hyphens or middle dots. Null for any other term.
 */
export function orderNumberOf(term: string | null | undefined): string | null {
  const compact = (term ?? "").replace(/[\s\-·•]/g, "").toUpperCase();
  return /^GD\d+$/.test(compact) ? compact : null;
}

/** True when a filter besides the search narrows the list (the scope included). */
export function hasOtherFilters(q: InboxQuery, fixed: FixedFilters = {}): boolean {
  return hasFilters({ ...q, search: null }, fixed) || !!q.open_only || !!q.waiting_for_me;
}

/** "1,234" or "10,000+" (capped: the total is only a lower bound). */
export function countDisplay(c: InboxCount | null): string {
  if (!c) return "";
  return c.capped ? `${formatInt(c.total)}+` : formatInt(c.total);
}

/** One list of work orders: its query, the page shown, the count and the selected row. */
function inboxList(fixed: FixedFilters, waitingForMe = false) {
  return () => {
    const query = reactive<InboxQuery>(defaultQuery(fixed, waitingForMe));
    const rows = ref<InboxRow[]>([]);
    const hasMore = ref(false);
    const count = ref<InboxCount | null>(null);
    const loading = ref(false);
    const counting = ref(false);
    const loaded = ref(false);
    const error = ref<unknown>(null);
    const selectedIndex = ref(-1);
    /** Ids of the rows ticked for a batch action (rows of the page shown). */
    const checked = ref<number[]>([]);
    let seq = 0;

    const selected = computed<InboxRow | null>(() => rows.value[selectedIndex.value] ?? null);
    const filtered = computed(() => hasFilters(query, fixed));
    const countText = computed(() => countDisplay(count.value));
    /** Total for the pager: the count when known, stretched while the backend says there is more. */
    const pagerTotal = computed(() => {
      const seen = (query.page - 1) * query.page_size + rows.value.length + (hasMore.value ? query.page_size : 0);
      if (!count.value) return seen;
      return count.value.capped ? Math.max(count.value.total, seen) : count.value.total;
    });

    /** Load the page first (so it paints), then the count separately. */
    async function reload(): Promise<void> {
      const my = ++seq;
      const q = buildQuery(query);
      loading.value = true;
      error.value = null;
      try {
        const page = await api.listInbox(q);
        if (my !== seq) return;
        rows.value = page.rows;
        hasMore.value = page.has_more;
        loaded.value = true;
        if (selectedIndex.value >= page.rows.length) selectedIndex.value = -1;
        // A tick stays only on a row still shown: a batch never acts on rows out of sight.
        checked.value = checked.value.filter((id) => page.rows.some((r) => r.id === id));
      } catch (e) {
        if (my !== seq) return;
        error.value = e;
        throw e;
      } finally {
        if (my === seq) loading.value = false;
      }
      counting.value = true;
      try {
        const c = await api.countInbox(q);
        if (my === seq) count.value = c;
      } catch {
        if (my === seq) count.value = null;
      } finally {
        if (my === seq) counting.value = false;
      }
    }

    function resetPaging() {
      query.page = 1;
      selectedIndex.value = -1;
    }

    function setFilters(patch: Partial<InboxFilters>) {
      Object.assign(query, patch, fixed);
      reconcileFilters(query, patch);
      resetPaging();
      return reload();
    }

    function clearFilters() {
      Object.assign(query, emptyFilters(), fixed);
      resetPaging();
      return reload();
    }

    /** Keeps the search and drops every other filter (the scope too): "search everything". */
    function widenSearch() {
      Object.assign(query, emptyFilters(), fixed, { search: query.search, open_only: false, waiting_for_me: false });
      resetPaging();
      return reload();
    }

    /** The row of the page whose number the search names exactly, if any. */
    function exactMatch(): InboxRow | null {
      const no = orderNumberOf(query.search);
      return no ? (rows.value.find((r) => r.order_no === no) ?? null) : null;
    }

    /**
     * Applies a whole saved query (常用筛选): its filters, view, sort and page size, on page 1.
     * The list's fixed filters stay.
     */
    function applyQuery(saved: InboxQuery) {
      Object.assign(query, buildQuery(saved), fixed, { page: 1 });
      selectedIndex.value = -1;
      return reload();
    }

    function setPage(page: number) {
      query.page = Math.max(1, page);
      selectedIndex.value = -1;
      return reload();
    }

    function setPageSize(size: number) {
      query.page_size = size;
      resetPaging();
      return reload();
    }

    function setSort(sort: SortKey, descending: boolean) {
      query.sort = sort;
      query.descending = descending;
      resetPaging();
      return reload();
    }

    function select(index: number): InboxRow | null {
      if (index < 0 || index >= rows.value.length) return null;
      selectedIndex.value = index;
      return rows.value[index];
    }

    function selectId(id: number): InboxRow | null {
      return select(rows.value.findIndex((r) => r.id === id));
    }

    /** Next row on this page; stays on the last one (returns null) at the end. */
    function next(): InboxRow | null {
      if (rows.value.length === 0) return null;
      if (selectedIndex.value >= rows.value.length - 1) return null;
      return select(selectedIndex.value + 1);
    }

    /** Previous row; stays on the first one (returns null) at the start. */
    function previous(): InboxRow | null {
      if (rows.value.length === 0) return null;
      if (selectedIndex.value === -1) return select(0);
      if (selectedIndex.value <= 0) return null;
      return select(selectedIndex.value - 1);
    }

    const checkedRows = computed(() => rows.value.filter((r) => checked.value.includes(r.id)));

    function setChecked(id: number, on: boolean) {
      const rest = checked.value.filter((x) => x !== id);
      checked.value = on ? [...rest, id] : rest;
    }

    /** Ticks every row of the page, or none. */
    function checkAll(on: boolean) {
      checked.value = on ? rows.value.map((r) => r.id) : [];
    }

    function clearChecked() {
      checked.value = [];
    }

    /**
     * 批量认领、退回、转办: the backend applies the action to each order in its own transaction and
     * answers per order. The rows acted on are updated in place and unticked; refused ones stay
     * ticked, with their reason in the result.
     */
    async function actOnBatch(ids: number[], action: BatchAction): Promise<BatchItem[]> {
      const items = await api.actOnOrders(ids, action);
      for (const item of items) if (item.row) updateRow(item.row);
      const done = new Set(items.filter((i) => !i.error).map((i) => i.id));
      checked.value = checked.value.filter((id) => !done.has(id));
      return items;
    }

    /** Replace a row after an action changed it (the list keeps its order until the next reload). */
    function updateRow(row: InboxRow) {
      const i = rows.value.findIndex((r) => r.id === row.id);
      if (i >= 0) rows.value.splice(i, 1, row);
    }

    return {
      query, rows, hasMore, count, loading, counting, loaded, error, selectedIndex, checked, checkedRows,
      selected, filtered, countText, pagerTotal, fixed, setChecked, checkAll, clearChecked, actOnBatch,
      reload, setFilters, clearFilters, widenSearch, applyQuery, exactMatch, setPage, setPageSize, setSort, select, selectId, next, previous, updateRow,
    };
  };
}

/** The work orders (工单): everything in the desk's cache; open orders 待我办理 by default. */
export const useInboxStore = defineStore("inbox", inboxList({}, true));

/** 待抽查: the orders of the jurisdiction submitted for spot check, by the supervisor's clock. */
export const SPOT_CHECK_FILTERS: FixedFilters = { status: ["submitted"] };
export const useSpotCheckStore = defineStore("spotCheck", inboxList(SPOT_CHECK_FILTERS));

export type InboxStore = ReturnType<typeof useInboxStore>;

/** Every list of orders, for refreshing a row after an action or all of them after a profile switch. */
export function allInboxStores(): InboxStore[] {
  return [useInboxStore(), useSpotCheckStore() as unknown as InboxStore];
}
