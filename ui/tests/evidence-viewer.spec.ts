import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import EvidenceViewer from "../src/components/evidence/EvidenceViewer.vue";
import type { AttachedEvidence } from "../src/bindings/AttachedEvidence";
import { freshPinia, mountApp, settle, waitFor } from "./helpers";

vi.mock("../src/api/desk", async (importOriginal) => (await import("./api-mock")).apiMock(importOriginal));

// pdf.js does not run in jsdom: the viewer's one door to it is replaced by a document of three
// pages whose drawing is recorded.
const rendered: { page: number; scale: number }[] = [];
vi.mock("../src/evidence/pdf", () => ({
  openPdf: vi.fn(async (url: string) => {
    if (url.includes("c".repeat(64))) throw new Error("Invalid PDF structure");
    return {
      pageCount: 3,
      pageWidth: async () => 595,
      renderPage: async (page: number, _canvas: HTMLCanvasElement, scale: number) => {
        rendered.push({ page, scale });
        return { width: 595 * scale, height: 842 * scale };
      },
      destroy: async () => undefined,
    };
  }),
}));

const PHOTO: AttachedEvidence = {
  hash: "a".repeat(64), file_name: "整改现场.jpg", size: 1_234_567, mime: "image/jpeg",
  attached_at: "2026-11-24 09:30", attached_by: "张伟",
};
const PDF: AttachedEvidence = {
  hash: "b".repeat(64), file_name: "整改报告.pdf", size: 2048, mime: "application/pdf",
  attached_at: "2026-11-25 14:05", attached_by: "李娜",
};

function last<T>(xs: T[]): T | undefined {
  return xs[xs.length - 1];
}

function q(testid: string): HTMLElement {
  const el = document.querySelector(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`missing ${testid}`);
  return el as HTMLElement;
}

/** The photo box is 800×600 and the image 4000×3000: fitting it means 20 %. */
function sizeThePhoto() {
  q("evidence-photo-box").getBoundingClientRect = () =>
    ({ left: 0, top: 0, right: 800, bottom: 600, width: 800, height: 600, x: 0, y: 0, toJSON: () => ({}) }) as DOMRect;
  const img = q("evidence-photo") as HTMLImageElement;
  Object.defineProperty(img, "naturalWidth", { value: 4000 });
  Object.defineProperty(img, "naturalHeight", { value: 3000 });
  img.dispatchEvent(new Event("load"));
}

describe("evidence viewer", () => {
  beforeEach(() => {
    rendered.length = 0;
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("shows a photo from the evidence scheme with its size, hash, who attached it and when", async () => {
    const w = mountApp(EvidenceViewer, freshPinia(), { props: { files: [PHOTO, PDF], modelValue: 0 } });
    await waitFor("[data-testid=evidence-photo]");
    const img = q("evidence-photo") as HTMLImageElement;
    expect(img.getAttribute("src")).toBe(`evidence://localhost/${PHOTO.hash}`);
    expect(img.getAttribute("alt")).toBe("整改现场.jpg");
    expect(q("evidence-info-size").textContent).toContain("1.2 MB");
    expect(q("evidence-info-size").textContent).toContain("1,234,567");
    expect(q("evidence-info-hash").textContent).toBe(PHOTO.hash);
    expect(q("evidence-info-by").textContent).toBe("张伟");
    expect(q("evidence-info-at").textContent).toBe("2026-11-24 09:30");
    w.unmount();
  });

  it("zooms a photo: fit, buttons, 1:1, the wheel about the pointer, and pans by dragging", async () => {
    const w = mountApp(EvidenceViewer, freshPinia(), { props: { files: [PHOTO], modelValue: 0 } });
    await waitFor("[data-testid=evidence-photo]");
    sizeThePhoto();
    await settle();
    const level = () => q("evidence-zoom-level").textContent;
    const transform = () => (q("evidence-photo") as HTMLImageElement).style.transform;
    expect(level()).toBe("20%");
    // Fitted and centred: 4000×3000 at 0.2 is 800×600, so no offset.
    expect(transform()).toBe("translate(0px, 0px) scale(0.2)");
    q("evidence-zoom-in").click();
    await settle();
    expect(level()).toBe("25%");
    q("evidence-zoom-actual").click();
    await settle();
    expect(level()).toBe("100%");
    expect(transform()).toBe("translate(-1600px, -1200px) scale(1)");
    q("evidence-zoom-fit").click();
    await settle();
    expect(level()).toBe("20%");
    // The wheel zooms about the pointer: the point under it stays put.
    q("evidence-photo-box").dispatchEvent(new WheelEvent("wheel", { deltaY: -100, clientX: 0, clientY: 0, bubbles: true, cancelable: true }));
    await settle();
    expect(level()).toBe("25%");
    expect(transform()).toBe("translate(0px, 0px) scale(0.25)");
    // Dragging pans.
    const box = q("evidence-photo-box");
    const pointer = (type: string, x: number, y: number) =>
      box.dispatchEvent(Object.assign(new MouseEvent(type, { clientX: x, clientY: y, bubbles: true }), { pointerId: 1 }));
    pointer("pointerdown", 100, 100);
    pointer("pointermove", 130, 90);
    pointer("pointerup", 130, 90);
    await settle();
    expect(transform()).toBe("translate(30px, -10px) scale(0.25)");
    // Keys: 1 for 1:1, - to zoom out.
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "1" }));
    await settle();
    expect(level()).toBe("100%");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "-" }));
    await settle();
    expect(level()).toBe("80%");
    w.unmount();
  });

  it("shows a PDF's pages and moves between them", async () => {
    const w = mountApp(EvidenceViewer, freshPinia(), { props: { files: [PHOTO, PDF], modelValue: 1 } });
    await waitFor("[data-testid=evidence-pdf-canvas]");
    await settle(10);
    expect(q("evidence-pdf-pages").textContent).toBe("第 1 / 3 页");
    expect(rendered.map((r) => r.page)).toEqual([1]);
    q("evidence-page-next").click();
    await settle(10);
    expect(q("evidence-pdf-pages").textContent).toBe("第 2 / 3 页");
    expect(last(rendered)?.page).toBe(2);
    q("evidence-page-next").click();
    await settle(10);
    expect((q("evidence-page-next") as HTMLButtonElement).disabled).toBe(true);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "PageUp" }));
    await settle(10);
    expect(q("evidence-pdf-pages").textContent).toBe("第 2 / 3 页");
    // Zooming redraws the same page larger.
    const before = last(rendered)!.scale;
    q("evidence-zoom-in").click();
    await settle(10);
    expect(last(rendered)!.scale).toBeCloseTo(before * 1.25);
    w.unmount();
  });

  it("moves between files with the arrow keys and says when a file cannot be shown", async () => {
    const broken: AttachedEvidence = { ...PDF, hash: "c".repeat(64), file_name: "broken.pdf" };
    const w = mountApp(EvidenceViewer, freshPinia(), { props: { files: [PHOTO, broken], modelValue: 0 } });
    await waitFor("[data-testid=evidence-photo]");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    await settle();
    expect(last(w.emitted("update:modelValue") ?? [])).toEqual([1]);
    await w.setProps({ modelValue: 1 });
    await settle(10);
    // pdf.js refuses the bytes: the viewer says so, and still shows what the file is.
    expect(q("evidence-failed").textContent).toContain("无法显示");
    expect(q("evidence-info-name").textContent).toBe("broken.pdf");
    w.unmount();
  });
});
