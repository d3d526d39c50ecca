/**
 * The renderer's Content-Security-Policy, identical in the desktop window (sent by the `studio://` protocol) and in
 * browser mode (sent by the loopback server): our own scripts and styles only, images from ourselves or data/blob URLs
 * (previews of a picked file), calls only to the origin that served the page, workers only from it, no plugins, no
 * framing, no forms.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // The compliance scanner runs in a same-origin module worker (renderer/src/features/compliance/scanner.worker.ts).
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
