import { defineStore } from "pinia";
import { ref } from "vue";

/** The inbox's columns, in their order: 办理时限 right after the plate, where the eye is. */
export const COLUMN_KEYS = [
  "orderNo", "status", "plate", "deadline", "enterprise", "credit", "violation", "category", "place", "detectedAt",
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];

/** 工单号 carries the row's tick box and cannot be hidden. */
export const FIXED_COLUMNS: ColumnKey[] = ["orderNo"];
/** Narrowest a dragged column gets, in px at 100 % text size. */
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 600;
export const COLUMNS_KEY = "casedesk.inboxColumns";

export interface ColumnPrefs {
  hidden: ColumnKey[];
  /** Widths the user dragged, in px at 100 % text size; others keep the table's own. */
  widths: Partial<Record<ColumnKey, number>>;
}

function isKey(k: unknown): k is ColumnKey {
  return typeof k === "string" && (COLUMN_KEYS as readonly string[]).includes(k);
}

/** Reads the saved preferences, dropping anything unknown or out of range. */
export function parsePrefs(text: string | null): ColumnPrefs {
  const prefs: ColumnPrefs = { hidden: [], widths: {} };
  if (!text) return prefs;
  try {
    const raw = JSON.parse(text) as { hidden?: unknown; widths?: unknown };
    if (Array.isArray(raw.hidden)) prefs.hidden = raw.hidden.filter((k) => isKey(k) && !FIXED_COLUMNS.includes(k));
    if (raw.widths && typeof raw.widths === "object") {
      for (const [k, v] of Object.entries(raw.widths as Record<string, unknown>)) {
        if (isKey(k) && typeof v === "number" && Number.isFinite(v)) prefs.widths[k] = clampWidth(v);
      }
    }
  } catch {
    /* a damaged entry: the default columns */
  }
  return prefs;
}

export function clampWidth(px: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, px)));
}

/**
 * 列设置: which of the inbox's columns show and the widths dragged on their edges, kept in the
 * window's storage so they survive a restart.
 */
export const useColumnsStore = defineStore("columns", () => {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(COLUMNS_KEY);
  } catch {
    /* storage unavailable: defaults for this session */
  }
  const initial = parsePrefs(stored);
  const hidden = ref<ColumnKey[]>(initial.hidden);
  const widths = ref<Partial<Record<ColumnKey, number>>>(initial.widths);

  function persist() {
    try {
      localStorage.setItem(COLUMNS_KEY, JSON.stringify({ hidden: hidden.value, widths: widths.value }));
    } catch {
      /* the choice then lasts for this session */
    }
  }

  function isVisible(k: ColumnKey): boolean {
    return !hidden.value.includes(k);
  }

  function setVisible(k: ColumnKey, on: boolean) {
    if (FIXED_COLUMNS.includes(k)) return;
    hidden.value = on ? hidden.value.filter((h) => h !== k) : [...hidden.value.filter((h) => h !== k), k];
    persist();
  }

  /** A width dragged on screen, in px at the current text size (`scale` = size / 100). */
  function setWidth(k: ColumnKey, px: number, scale = 1) {
    widths.value = { ...widths.value, [k]: clampWidth(px / scale) };
    persist();
  }

  function reset() {
    hidden.value = [];
    widths.value = {};
    persist();
  }

  return { hidden, widths, isVisible, setVisible, setWidth, reset };
});
