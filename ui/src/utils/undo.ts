import { h } from "vue";
import { ElButton, ElMessage } from "element-plus";
import "element-plus/es/components/message/style/css";
import "element-plus/es/components/button/style/css";
import { messagePlacement } from "./placement";

/** How long 撤销 is offered after a claim (the backend still refuses once the claim was sent). */
export const UNDO_SECONDS = 10;

/**
 * A success message with a 撤销 button for `UNDO_SECONDS`: clicking it closes the message and runs
 * `undo` (which reports its own outcome). Returns a function that closes the message early.
 */
export function offerUndo(text: string, buttonText: string, undo: () => void): () => void {
  const handle = ElMessage({
    type: "success",
    duration: UNDO_SECONDS * 1000,
    showClose: true,
    ...messagePlacement(),
    customClass: "undo-message",
    message: h("span", { class: "undo-message-body" }, [
      h("span", text),
      h(
        ElButton,
        {
          link: true,
          type: "primary",
          class: "undo-button",
          "data-testid": "undo-button",
          onClick: () => {
            handle.close();
            undo();
          },
        },
        () => buttonText,
      ),
    ]),
  });
  return () => handle.close();
}
