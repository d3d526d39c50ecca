import { expect, test } from './support/fixtures';

/**
 * The desktop window talks to the host through the preload's `window.studio = { call, on }` (IPC), not HTTP. Electron
 * cannot run here, so this spec gives the page a bridge with exactly the preload's shape, whose far end is the host's
 * dispatch (reached over loopback): the renderer must pick the IPC transport and work through it, events included.
 */
test('the renderer works through a preload-shaped bridge', async ({ page, studio, list, editor }) => {
  const running = await studio.start();
  await page.addInitScript((token: string) => {
    const listeners = new Set<(event: unknown) => void>();
    let source: EventSource | null = null;
    Object.defineProperty(window, 'studio', {
      value: Object.freeze({
        call: (method: string, input: unknown) => {
          (window as unknown as { __bridgeCalls: number }).__bridgeCalls += 1;
          return fetch('/api/call', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify({ method, input }),
          }).then((r) => r.json());
        },
        on: (listener: (event: unknown) => void) => {
          listeners.add(listener);
          source ??= new EventSource(`/api/events?token=${token}`);
          source.onmessage = (m) => listeners.forEach((l) => l(JSON.parse(m.data)));
          return () => listeners.delete(listener);
        },
      }),
    });
    (window as unknown as { __bridgeCalls: number }).__bridgeCalls = 0;
  }, running.token);

  // No token in the URL: only the bridge can make this page work.
  await page.goto(`${running.origin}/`);
  await expect(page.locator('[data-ready="true"]')).toBeVisible();
  const bridgeCalls = () => page.evaluate(() => (window as unknown as { __bridgeCalls: number }).__bridgeCalls);
  expect(await bridgeCalls()).toBeGreaterThanOrEqual(3);

  await list.newCourse.click();
  await editor.title.fill('桥接测试');
  await editor.expectSaved();
  await editor.back();
  await expect(list.rows).toHaveCount(1);
  const before = await bridgeCalls();

  // An event from elsewhere (a save through HTTP) reaches the list through the bridge's `on`.
  const res = await fetch(`${running.origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${running.token}` },
    body: JSON.stringify({ method: 'courses.create', input: { title: '另一个窗口创建的课' } }),
  });
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  await expect(list.rows).toHaveCount(2);
  expect(await bridgeCalls()).toBeGreaterThan(before);
});
