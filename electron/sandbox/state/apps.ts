/**
 * The apps registered with the sandbox (control API `apps.put`, or the CLI's config file): official accounts and
 * website apps, their secrets, push settings and IP whitelists.
 */
import type { z } from 'zod';
import { sandboxControl } from '../../../shared/wechat-sandbox/control';

export const appInputSchema = sandboxControl['apps.put'].body;
export type AppInput = z.input<typeof appInputSchema>;
export type SandboxApp = z.output<typeof appInputSchema>;

export class AppRegistry {
  private readonly apps = new Map<string, SandboxApp>();

  /** Registers or replaces an app; throws a zod error for an invalid definition. */
  put(input: AppInput): SandboxApp {
    const app = appInputSchema.parse(input);
    this.apps.set(app.appId, app);
    return app;
  }

  get(appId: string): SandboxApp | undefined {
    return this.apps.get(appId);
  }

  list(): SandboxApp[] {
    return [...this.apps.values()];
  }
}

/** Whether `ip` may use this app's credentials: an empty whitelist allows everyone (§1.1, 40164). */
export function ipAllowed(app: SandboxApp, ip: string): boolean {
  if (app.ipWhitelist.length === 0) return true;
  return app.ipWhitelist.includes(ip) || app.ipWhitelist.includes(`::ffff:${ip}`);
}
