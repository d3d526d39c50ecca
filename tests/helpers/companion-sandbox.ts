/**
 * A companion wired to a WeChat sandbox, both on real loopback, sharing the sandbox's virtual clock (so advancing it
 * expires tokens, codes and binding sessions on both sides): the sandbox knows the official account and the website
 * app and pushes to the companion's /wechat/events; the companion has the same credentials through `secrets.put`, and
 * an owner desktop is paired.
 */
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import type { Sandbox, SandboxOptions } from '../../electron/sandbox/index';
import { ok, openCompanion, pairOwner, type TestCompanion, type TestCompanionOptions } from './companion';
import { AES_KEY, OA_APP_ID, OA_SECRET, PUSH_TOKEN, WEB_APP_ID, WEB_SECRET, officialAccount, startSandbox } from './sandbox';

export interface Pair {
  sandbox: Sandbox;
  companion: TestCompanion;
  ownerToken: string;
}

export interface PairOptions {
  messageMode?: 'plain' | 'compatible' | 'safe';
  /** Client IPs the sandbox allows for the official account; empty = all. */
  ipWhitelist?: string[];
  deps?: TestCompanionOptions['deps'];
  /** Put the secrets through the API (default) — or leave them unset. */
  secrets?: boolean;
  /** The official account's AppID as the companion is configured (default: the one the sandbox knows). */
  companionAppId?: string;
  /** Extra sandbox options (e.g. a short publishDelayMs). */
  sandboxOptions?: SandboxOptions;
}

export async function startPair(options: PairOptions = {}): Promise<Pair> {
  const mode = options.messageMode ?? 'safe';
  const sandbox = await startSandbox({ pushTimeoutMs: 3000, ...options.sandboxOptions });
  const companion = await openCompanion({
    listen: true,
    config: {
      sandbox: true,
      sandboxUrl: sandbox.url,
      wechat: { officialAccount: { appId: options.companionAppId ?? OA_APP_ID, messageMode: mode }, websiteApp: { appId: WEB_APP_ID } },
    },
    deps: { now: () => new Date(sandbox.clock.now()), ...options.deps },
  });
  const ownerToken = await pairOwner(companion.app);
  if (options.secrets !== false) {
    await ok(companion.app, 'secrets.put', ownerToken, {
      body: { officialAccount: { appSecret: OA_SECRET, token: PUSH_TOKEN, encodingAesKey: AES_KEY }, websiteApp: { appSecret: WEB_SECRET } },
    });
  }
  sandbox.putApp(
    officialAccount({
      ipWhitelist: options.ipWhitelist ?? [],
      push: { url: `${companion.url}/wechat/events`, token: PUSH_TOKEN, encodingAesKey: AES_KEY, mode },
    }),
  );
  return { sandbox, companion, ownerToken };
}

/** What a QR PNG (base64) encodes, read with jsQR — as a phone camera would. */
export function decodeQr(pngBase64: string): string {
  const png = PNG.sync.read(Buffer.from(pngBase64, 'base64'));
  const result = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!result) throw new Error('The PNG holds no readable QR code');
  return result.data;
}
