// Browser downloads of generated files (PNG of a chart, CSV of its data).

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies a canvas onto an opaque background (charts are transparent) and downloads it as PNG. */
export function downloadCanvasPng(canvas: HTMLCanvasElement, background: string, filename: string): void {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  out.toBlob((b) => {
    if (b !== null) downloadBlob(b, filename);
  }, 'image/png');
}

/** A file name from a title: "CPU by mode" → "cpu-by-mode". */
export function fileSlug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chart';
}
