import { defineStore } from "pinia";
import { computed, ref } from "vue";
import * as api from "../api/desk";
import type { DeskStatus } from "../bindings/DeskStatus";
import type { Violation } from "../bindings/Violation";
import type { Role } from "../bindings/Role";
import type { Rights } from "../bindings/Rights";
import { i18n, LOCALE_KEY, initialLocale, type AppLocale } from "../i18n";

export type TextSize = 100 | 125 | 150;
export const TEXT_SIZES: TextSize[] = [100, 125, 150];
export const TEXT_SIZE_KEY = "casedesk.textSize";

function readTextSize(): TextSize {
  try {
    const v = Number(localStorage.getItem(TEXT_SIZE_KEY));
    return (TEXT_SIZES as number[]).includes(v) ? (v as TextSize) : 100;
  } catch {
    return 100;
  }
}

function persist(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage may be unavailable; the setting then lasts for this session */
  }
}

/** Scale the root font and Element Plus' size variables so the whole layout grows together. */
export function applyTextSize(size: TextSize) {
  if (typeof document === "undefined") return;
  const f = size / 100;
  const s = document.documentElement.style;
  const px = (n: number) => `${Math.round(n * f)}px`;
  s.fontSize = px(14);
  s.setProperty("--el-font-size-extra-large", px(20));
  s.setProperty("--el-font-size-large", px(18));
  s.setProperty("--el-font-size-medium", px(16));
  s.setProperty("--el-font-size-base", px(14));
  s.setProperty("--el-font-size-small", px(13));
  s.setProperty("--el-font-size-extra-small", px(12));
  s.setProperty("--el-component-size", px(32));
  s.setProperty("--el-component-size-small", px(24));
  s.setProperty("--el-component-size-large", px(40));
  s.setProperty("--cd-scale", String(f));
  document.documentElement.dataset.textSize = String(size);
}

export const useDeskStore = defineStore("desk", () => {
  const status = ref<DeskStatus | null>(null);
  const violations = ref<Violation[]>([]);
  const locale = ref<AppLocale>(initialLocale());
  const textSize = ref<TextSize>(readTextSize());
  const statusError = ref<unknown>(null);

  const today = computed(() => status.value?.today ?? "");
  const role = computed<Role | null>(() => status.value?.role ?? null);
  /** What the role may do besides acting on orders (the backend's one table); none until loaded. */
  const rights = computed<Rights | null>(() => status.value?.rights ?? null);
  /** Changes when someone else starts working at the desk (not when only the counts change). */
  const profileKey = computed(() => {
    const s = status.value;
    return s ? `${s.user_name}|${s.role}|${s.county_code}` : "";
  });

  async function loadStatus(): Promise<DeskStatus | null> {
    try {
      status.value = await api.deskStatus();
      statusError.value = null;
    } catch (e) {
      statusError.value = e;
    }
    return status.value;
  }

  async function loadCatalog(): Promise<void> {
    try {
      violations.value = await api.catalog();
    } catch {
      /* filters then simply offer no violation types */
    }
  }

  /** Who works at this desk from now on (the backend keeps it in the cache). */
  async function setProfile(userName: string, newRole: Role, countyCode: string): Promise<DeskStatus> {
    const s = await api.setProfile(userName, newRole, countyCode);
    status.value = s;
    statusError.value = null;
    return s;
  }

  const violationsByCode = computed(() => new Map(violations.value.map((v) => [v.code, v])));

  /**
   * A violation type's name in the window's language, from the catalog; `fallback` (the name the
   * row carries) for a code the catalog does not know.
   */
  function violationName(code: string, fallback = code): string {
    const v = violationsByCode.value.get(code);
    if (!v) return fallback;
    return locale.value === "en" ? v.name_en : v.name;
  }

  function setLocale(l: AppLocale) {
    locale.value = l;
    i18n.global.locale.value = l;
    persist(LOCALE_KEY, l);
    if (typeof document !== "undefined") document.documentElement.lang = l;
  }

  function setTextSize(size: TextSize) {
    textSize.value = size;
    persist(TEXT_SIZE_KEY, String(size));
    applyTextSize(size);
  }

  return {
    status, violations, locale, textSize, statusError, today, role, rights, profileKey,
    loadStatus, loadCatalog, setProfile, setLocale, setTextSize, violationName,
  };
});
