/**
 * The optional config file of `creator-studio sandbox --config sandbox.json`: apps to register at start, each in the
 * shape of an `apps.put` body.
 *
 * ```json
 * { "apps": [ { "appId": "wx0123456789abcdef", "appSecret": "…", "kind": "officialAccount", "name": "测试公众号",
 *               "originalId": "gh_0123456789ab",
 *               "push": { "url": "http://127.0.0.1:4100/wechat/events", "token": "…", "mode": "safe",
 *                         "encodingAesKey": "…43 characters…" } } ] }
 * ```
 */
import fs from 'node:fs';
import { z } from 'zod';
import { appInputSchema } from './state/apps';

export const sandboxConfigSchema = z.strictObject({
  apps: z.array(appInputSchema).default([]),
});
export type SandboxConfig = z.output<typeof sandboxConfigSchema>;

/** A config file that cannot be used; `message` names the file and every problem on its own line. */
export class ConfigError extends Error {}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

export function loadSandboxConfig(file: string): SandboxConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = sandboxConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${pathText(issue.path) || '(top level)'}: ${issue.message}`);
    throw new ConfigError(`${file} is not a valid sandbox config:\n${lines.join('\n')}`);
  }
  for (const app of parsed.data.apps) {
    if (app.push && app.push.mode !== 'plain' && !app.push.encodingAesKey) {
      throw new ConfigError(`${file}: app ${app.appId} uses push mode "${app.push.mode}", which needs push.encodingAesKey (43 characters)`);
    }
  }
  const ids = parsed.data.apps.map((a) => a.appId);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new ConfigError(`${file}: app ${duplicate} appears twice`);
  return parsed.data;
}
