import { onBeforeUnmount, ref, watch } from "vue";
import * as api from "../api/desk";

export const DRAFT_DEBOUNCE_MS = 400;

/**
 * Keep a form's contents as a draft in the backend (`save_draft`, debounced), restore it when the
 * form opens again (`load_draft`) and drop it after a successful action (`clear_draft`).
 * Only keys already present on the model are restored.
 */
export function useDraft<T extends object>(key: string, model: T) {
  const restored = ref(false);
  const ready = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: string | null = null;
  let last = JSON.stringify(model);
  let cleared = false;

  async function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending === null || cleared) return;
    const value = pending;
    pending = null;
    last = value;
    try {
      await api.saveDraft(key, value);
    } catch {
      /* a lost draft is not worth interrupting the user for */
    }
  }

  async function restore(): Promise<boolean> {
    try {
      const raw = await api.loadDraft(key);
      if (raw) {
        const data = JSON.parse(raw) as Record<string, unknown>;
        const target = model as Record<string, unknown>;
        for (const k of Object.keys(target)) {
          if (k in data && data[k] !== undefined) target[k] = data[k];
        }
        last = JSON.stringify(model);
        restored.value = true;
      }
    } catch {
      /* no usable draft */
    } finally {
      ready.value = true;
    }
    return restored.value;
  }

  watch(
    () => JSON.stringify(model),
    (value) => {
      if (!ready.value || cleared || value === last) return;
      pending = value;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void flush(), DRAFT_DEBOUNCE_MS);
    },
  );

  async function clear() {
    cleared = true;
    if (timer) clearTimeout(timer);
    timer = null;
    pending = null;
    try {
      await api.clearDraft(key);
    } catch {
      /* ignore */
    }
  }

  // Closing the drawer keeps the draft: write what is still waiting.
  onBeforeUnmount(() => void flush());

  return { restore, clear, flush, restored, ready };
}
