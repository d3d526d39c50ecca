/**
 * WeChat avatars for the Team page, fetched by the host and handed to the renderer as data URLs: the renderer's CSP
 * stays closed to the web, and an avatar is fetched once per URL (WeChat's avatar URLs never change content; a new
 * avatar is a new URL).
 */
const MAX_BYTES = 512 * 1024;
const MAX_ENTRIES = 500;

export class AvatarCache {
  private readonly cache = new Map<string, Promise<string>>();

  /** The avatar as a data URL, or '' when it cannot be fetched (the UI then shows the member's initial). */
  dataUrl(url: string): Promise<string> {
    if (!/^https?:\/\//.test(url)) return Promise.resolve('');
    let entry = this.cache.get(url);
    if (!entry) {
      entry = fetchAsDataUrl(url);
      // A failure is not cached: the next page load tries again.
      entry.then((value) => value || this.cache.delete(url), () => this.cache.delete(url));
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(url, entry);
    }
    return entry;
  }
}

async function fetchAsDataUrl(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'follow' });
    const type = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    if (!response.ok || !/^image\/(png|jpeg|gif|webp)$/.test(type)) return '';
    const bytes = Buffer.from(await response.arrayBuffer());
    return bytes.length > 0 && bytes.length <= MAX_BYTES ? `data:${type};base64,${bytes.toString('base64')}` : '';
  } catch {
    return '';
  }
}
