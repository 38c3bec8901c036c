import { nextTick, onBeforeUnmount, onMounted, ref } from "vue";
import { showError } from "../utils/errors";
import { formatLocalTime } from "../utils/format";

/**
 * 打印 of a list: mounts the print sheet (`printing`), opens the system's print dialog and
 * unmounts the sheet when printing is done. The page fills the sheet first: the inbox reads its
 * rows for printing, the whitelist and the permit day print what the page holds.
 */
export function useListPrint() {
  const printing = ref(false);
  const printedAt = ref("");

  function end() {
    printing.value = false;
  }

  async function print() {
    printedAt.value = formatLocalTime(new Date());
    printing.value = true;
    await nextTick();
    try {
      window.print();
    } catch (e) {
      showError(e);
    }
  }

  onMounted(() => window.addEventListener("afterprint", end));
  onBeforeUnmount(() => window.removeEventListener("afterprint", end));
  return { printing, printedAt, print };
}
