// PDF evidence through pdf.js (WebKitGTK has no PDF viewer of its own). The library and its
// worker are bundled with the app (no CDN) and loaded only when a PDF is first opened, so the
// inbox's start-up does not carry them. The legacy build runs on older WebKit too.

/** An opened PDF: its page count and a way to draw one page. */
export interface PdfDocument {
  readonly pageCount: number;
  /** Draws page `n` (1-based) into `canvas`, `scale` CSS pixels per PDF point. */
  renderPage(n: number, canvas: HTMLCanvasElement, scale: number): Promise<{ width: number; height: number }>;
  /** Width of page `n` in PDF points, to fit it to the viewer. */
  pageWidth(n: number): Promise<number>;
  destroy(): Promise<void>;
}

export async function openPdf(url: string): Promise<PdfDocument> {
  const [pdfjs, worker] = await Promise.all([
    import("pdfjs-dist/legacy/build/pdf.mjs"),
    import("pdfjs-dist/legacy/build/pdf.worker.min.mjs?url"),
  ]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  // No eval (the window's CSP forbids it); ranges let a large scan show its first page early.
  const doc = await pdfjs.getDocument({ url, isEvalSupported: false }).promise;
  return {
    pageCount: doc.numPages,
    async pageWidth(n) {
      const page = await doc.getPage(n);
      return page.getViewport({ scale: 1 }).width;
    },
    async renderPage(n, canvas, scale) {
      const page = await doc.getPage(n);
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: scale * ratio });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
      canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
      await page.render({ canvas, viewport }).promise;
      return { width: viewport.width / ratio, height: viewport.height / ratio };
    },
    destroy: () => doc.destroy(),
  };
}
