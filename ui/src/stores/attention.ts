import { defineStore } from "pinia";
import { ref } from "vue";
import * as api from "../api/desk";
import type { Attention } from "../bindings/Attention";

/**
 * 待关注事项 (supervisors): other officers' work the hub refused because someone else holds the
 * order, as the last sync kept it; resolving one is done on the hub and then leaves the list.
 */
export const useAttentionStore = defineStore("attention", () => {
  const items = ref<Attention[]>([]);
  const loaded = ref(false);
  /** Why the list could not be read (shown with 重试). */
  const error = ref<api.DeskError | null>(null);
  let seq = 0;

  async function load(): Promise<void> {
    const my = ++seq;
    try {
      const list = await api.attentionList();
      if (my !== seq) return;
      items.value = list;
      loaded.value = true;
      error.value = null;
    } catch (e) {
      if (my !== seq) return;
      error.value = api.toDeskError(e);
    }
  }

  /** 已处理 with a note; the list is read again whatever happened (another supervisor may have been first). */
  async function resolve(id: number, note: string): Promise<void> {
    try {
      await api.resolveAttention(id, note);
    } catch (e) {
      throw api.toDeskError(e);
    } finally {
      await load();
    }
  }

  return { items, loaded, error, load, resolve };
});
