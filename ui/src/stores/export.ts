import { defineStore } from "pinia";
import { ref } from "vue";
import * as api from "../api/desk";
import type { InboxQuery } from "../bindings/InboxQuery";
import type { ExportSummary } from "../bindings/ExportSummary";

/** How often the window asks how many rows the export has written. */
export const PROGRESS_POLL_MS = 250;

/** 导出Excel: one export at a time, its progress (rows written) and its last result. */
export const useExportStore = defineStore("export", () => {
  const running = ref(false);
  const written = ref(0);
  /** Rows expected, when the count is exact (null while unknown or capped). */
  const expected = ref<number | null>(null);
  const last = ref<ExportSummary | null>(null);

  /**
   * Writes every order of `query` (all pages) to `path`. Progress is polled, since the export runs
   * on the backend's own thread and reports nothing until it ends.
   */
  async function run(query: InboxQuery, path: string, total: number | null): Promise<ExportSummary> {
    if (running.value) throw new Error("export already running");
    running.value = true;
    written.value = 0;
    expected.value = total;
    const timer = setInterval(() => {
      api.exportProgress().then(
        (n) => {
          if (running.value) written.value = n;
        },
        () => undefined,
      );
    }, PROGRESS_POLL_MS);
    try {
      const summary = await api.exportInbox(query, path);
      written.value = summary.rows;
      last.value = summary;
      return summary;
    } finally {
      clearInterval(timer);
      running.value = false;
    }
  }

  return { running, written, expected, last, run };
});
