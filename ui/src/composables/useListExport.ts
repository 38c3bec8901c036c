import { ref } from "vue";
import { useI18n } from "vue-i18n";
import { pickExportPath } from "../api/desk";
import type { ExportSummary } from "../bindings/ExportSummary";
import { showError, showSuccess } from "../utils/errors";
import { fileStamp, formatInt } from "../utils/format";

/**
 * 导出Excel of a short list (the whitelist, the day's permit applications): asks where to save
 * (offering `{section}.exportFileName` with the time), runs `write` with the chosen path and says
 * what was written (`{section}.exported`). A cancelled dialog writes nothing. The inbox's export,
 * which can run long, has its own store with progress.
 */
export function useListExport(section: string, write: (path: string) => Promise<ExportSummary>) {
  const { t } = useI18n();
  const exporting = ref(false);

  async function run() {
    if (exporting.value) return;
    try {
      const path = await pickExportPath(t(`${section}.exportFileName`, { stamp: fileStamp() }), t("inbox.exportFilter"));
      if (!path) return;
      exporting.value = true;
      const s = await write(path);
      showSuccess(t(`${section}.exported`, { n: formatInt(s.rows), path: s.path }));
    } catch (e) {
      showError(e);
    } finally {
      exporting.value = false;
    }
  }

  return { exporting, run };
}
