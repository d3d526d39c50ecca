/**
 * The studio's link to a companion server. On a fresh install it is the embedded pair: the WeChat sandbox and the
 * companion run as supervised child processes on 127.0.0.1, set up with generated credentials so a creator can try
 * everything at once. Secrets (the companion's master key, this device's token, WeChat credentials) live only in the
 * sealed secret box and in the companion's encrypted store: never in argv, env of the companion, logs or the renderer.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { CompanionRouteName } from '../../../shared/companion/api';
import { StudioError } from '../../../shared/contract/index';
import { SANDBOX_CONTROL_HEADER, sandboxControl } from '../../../shared/wechat-sandbox/control';
import { payPlatformSchema } from '../../../shared/wechat-sandbox/pay-control';
import { ChildService, type CliLauncher, type ServiceState } from './child-service';
import { companionRequest, type RequestParts, type RouteAnswer } from './companion-client';
import { SecretBox, type Sealer } from './secret-box';

interface StudioSecrets extends Record<string, string> {
  companionMasterKey: string;
  deviceToken: string;
  /** This device's token on a team's standalone companion. */
  remoteDeviceToken: string;
  sandboxControlToken: string;
  oaAppSecret: string;
  oaToken: string;
  oaAesKey: string;
  webAppSecret: string;
  /** The sandbox mini program's AppSecret (WeChat's content check, the online second opinion). */
  miniAppSecret: string;
  /** The sandbox merchant's API private key (PKCS#8 PEM) and APIv3 key, for WeChat Pay in sandbox mode. */
  payMerchantKeyPem: string;
  payApiV3Key: string;
}

/** Non-secret facts about the embedded set-up, kept in `<dataDir>/companion-link.json`. */
interface LinkState {
  oaAppId: string;
  webAppId: string;
  /** The sandbox mini program whose msg_sec_check gives the online second opinion. */
  miniAppId: string;
  /** The sandbox merchant (商户号) and its API certificate serial. */
  payMchId: string;
  paySerialNo: string;
  /** `remote`: a team's standalone companion at `remoteUrl`, paired with a code from its owner. */
  mode: 'embedded' | 'remote';
  remoteUrl: string | null;
}

export interface LinkStatus {
  mode: 'embedded' | 'remote';
  state: ServiceState['state'];
  /** True while WeChat is the sandbox: the UI labels it clearly. */
  sandbox: boolean;
  companionUrl: string | null;
  /** The sandbox's simulated phone, for scanning binding QR codes without a real phone. */
  phoneUrl: string | null;
  error: string | null;
}

export interface CompanionLinkOptions {
  dataDir: string;
  launcher: CliLauncher;
  sealer: Sealer;
  log: (line: string) => void;
  onChange: (status: LinkStatus) => void;
  deviceName?: string;
}

const wxAppId = () => `wx${randomBytes(8).toString('hex')}`;
const mchId = () => `1${String(randomInt(0, 1e9)).padStart(9, '0')}`;
const hexSerial = () => randomBytes(20).toString('hex').toUpperCase();
const merchantKeyPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const secret = (bytes = 16) => randomBytes(bytes).toString('hex');
/** An EncodingAESKey: 43 characters of base64 (32 bytes without the trailing '='). */
const encodingAesKey = () => randomBytes(32).toString('base64').slice(0, 43);

/** The pair's state: the worst of the two children's, so "ready" means both are. */
function combinedState(states: ServiceState['state'][]): ServiceState['state'] {
  for (const s of ['failed', 'restarting', 'starting', 'stopped'] as const) if (states.includes(s)) return s;
  return 'ready';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class CompanionLink {
  private readonly box: SecretBox<StudioSecrets>;
  private readonly dir: string;
  private sandbox: ChildService | null = null;
  private companion: ChildService | null = null;
  private sandboxUrl: string | null = null;
  private companionUrl: string | null = null;
  private lastError: string | null = null;
  private remote: { url: string; state: ServiceState['state']; sandbox: boolean } | null = null;
  /** This device's tokens, kept in memory once read or paired: `call` runs on every poll and must not unseal the box. */
  private tokens = { device: '', remote: '' };

  constructor(private readonly options: CompanionLinkOptions) {
    this.dir = path.join(options.dataDir, 'companion');
    this.box = new SecretBox<StudioSecrets>(options.dataDir, options.sealer);
  }

  status(): LinkStatus {
    if (this.remote) {
      return { mode: 'remote', state: this.remote.state, sandbox: this.remote.sandbox, companionUrl: this.remote.url, phoneUrl: null, error: this.lastError };
    }
    return {
      mode: 'embedded',
      state: combinedState([this.sandbox?.current.state ?? 'stopped', this.companion?.current.state ?? 'stopped']),
      sandbox: true,
      companionUrl: this.companionUrl,
      phoneUrl: this.sandboxUrl ? `${this.sandboxUrl}/phone` : null,
      error: this.lastError,
    };
  }

  private emit(): void {
    this.options.onChange(this.status());
  }

  /** Generated once per workspace; kept across restarts so the companion's data stays tied to the same apps. */
  private ensureSetup(): { secrets: StudioSecrets; state: LinkState } {
    const stored = this.box.read();
    const secrets: StudioSecrets = {
      companionMasterKey: stored.companionMasterKey ?? randomBytes(32).toString('base64'),
      deviceToken: stored.deviceToken ?? '',
      remoteDeviceToken: stored.remoteDeviceToken ?? '',
      sandboxControlToken: stored.sandboxControlToken ?? secret(24),
      oaAppSecret: stored.oaAppSecret ?? secret(),
      oaToken: stored.oaToken ?? secret(8),
      oaAesKey: stored.oaAesKey ?? encodingAesKey(),
      webAppSecret: stored.webAppSecret ?? secret(),
      miniAppSecret: stored.miniAppSecret ?? secret(),
      payMerchantKeyPem: stored.payMerchantKeyPem ?? merchantKeyPem(),
      payApiV3Key: stored.payApiV3Key ?? randomBytes(24).toString('base64url').slice(0, 32),
    };
    if (Object.keys(secrets).some((k) => stored[k] !== secrets[k as keyof StudioSecrets])) this.box.write(secrets);
    this.tokens = { device: secrets.deviceToken, remote: secrets.remoteDeviceToken };

    // Written back every time: a workspace set up before a field existed keeps what was generated for it now.
    const state = this.readState() ?? {
      oaAppId: wxAppId(),
      webAppId: wxAppId(),
      miniAppId: wxAppId(),
      payMchId: mchId(),
      paySerialNo: hexSerial(),
      mode: 'embedded',
      remoteUrl: null,
    };
    this.writeState(state);
    return { secrets, state };
  }

  private get stateFile(): string {
    return path.join(this.options.dataDir, 'companion-link.json');
  }

  private readState(): LinkState | null {
    try {
      const state = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as Partial<LinkState>;
      return state.oaAppId && state.webAppId
        ? {
            oaAppId: state.oaAppId,
            webAppId: state.webAppId,
            // Workspaces set up before the second opinion existed get a sandbox mini program now.
            miniAppId: state.miniAppId ?? wxAppId(),
            // Workspaces set up before WeChat Pay existed get a sandbox merchant now.
            payMchId: state.payMchId ?? mchId(),
            paySerialNo: state.paySerialNo ?? hexSerial(),
            mode: state.mode === 'remote' ? 'remote' : 'embedded',
            remoteUrl: state.remoteUrl ?? null,
          }
        : null;
    } catch {
      return null;
    }
  }

  private writeState(state: LinkState): void {
    const temp = `${this.stateFile}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(state, null, 2));
    fs.renameSync(temp, this.stateFile);
  }

  /** Starts whichever companion this workspace uses: the embedded pair (the default) or a team's. */
  async start(): Promise<void> {
    const { secrets, state } = this.ensureSetup();
    if (state.mode === 'remote' && state.remoteUrl && secrets.remoteDeviceToken) return this.checkRemote(state.remoteUrl);
    return this.startEmbedded(secrets, state);
  }

  private async checkRemote(url: string): Promise<void> {
    this.remote = { url, state: 'starting', sandbox: false };
    this.emit();
    try {
      const health = await companionRequest(url, null, 'health');
      await companionRequest(url, this.tokens.remote, 'me');
      this.remote = { url, state: 'ready', sandbox: health.sandbox };
      this.lastError = null;
    } catch (error) {
      this.remote = { url, state: 'failed', sandbox: false };
      this.lastError = error instanceof Error ? error.message : String(error);
    }
    this.emit();
  }

  /**
   * Connects this studio to a team's standalone companion with a one-time pairing code from its owner, and stops
   * the embedded pair. Nothing changes if pairing fails.
   */
  async connectRemote(url: string, pairingCode: string, deviceName: string): Promise<LinkStatus> {
    let base: URL;
    try {
      base = new URL(url);
    } catch {
      throw new StudioError('INVALID_INPUT', `Not a URL: ${url}`, { fields: [{ path: 'url', code: 'companionUrl.invalid' }] });
    }
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname))) {
      throw new StudioError('INVALID_INPUT', 'A team companion must be reached over HTTPS', { fields: [{ path: 'url', code: 'companionUrl.notHttps' }] });
    }
    const origin = base.origin + base.pathname.replace(/\/+$/, '');
    const paired = await companionRequest(origin, null, 'devices.pair', { body: { code: pairingCode, deviceName } });
    this.box.update({ remoteDeviceToken: paired.deviceToken });
    const { state } = this.ensureSetup(); // also reloads this.tokens from the box
    this.writeState({ ...state, mode: 'remote', remoteUrl: origin });
    await this.stopEmbedded();
    await this.checkRemote(origin);
    return this.status();
  }

  /** Goes back to the embedded companion and sandbox (the team companion's token is kept for later). */
  async useEmbedded(): Promise<LinkStatus> {
    const { secrets, state } = this.ensureSetup();
    this.writeState({ ...state, mode: 'embedded' });
    this.remote = null;
    await this.startEmbedded(secrets, state);
    return this.status();
  }

  /** Starts the sandbox, then the companion; pairs this device and hands over the credentials. */
  private async startEmbedded(secrets: StudioSecrets, state: LinkState): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    // Fixed ports for the lifetime of this studio: a restarted child comes back where the other one expects it.
    const sandboxPort = await freePort();
    const companionPort = await freePort();
    const onStateChange = (s: ServiceState) => {
      if (s.state === 'restarting' || s.state === 'failed') this.lastError = s.error;
      if (s.state === 'ready') this.lastError = null;
      this.emit();
    };

    this.sandbox = new ChildService({
      name: 'sandbox',
      launcher: this.options.launcher,
      args: ['--port', String(sandboxPort), '--exit-with-parent'],
      env: { CREATOR_STUDIO_SANDBOX_CONTROL_TOKEN: secrets.sandboxControlToken },
      log: this.options.log,
      onStateChange,
      onReady: async (url) => {
        this.sandboxUrl = url;
        // The sandbox keeps its state in memory: after a restart it needs the apps again.
        if (this.companionUrl) await this.registerSandboxApps(secrets, state);
      },
    });
    await this.sandbox.start();

    const configFile = path.join(this.dir, 'companion.json');
    const publicBaseUrl = `http://127.0.0.1:${companionPort}`;
    fs.writeFileSync(
      configFile,
      JSON.stringify(
        {
          host: '127.0.0.1',
          port: companionPort,
          dataDir: this.dir,
          publicBaseUrl,
          sandbox: true,
          sandboxUrl: this.sandboxUrl,
          wechat: {
            officialAccount: { appId: state.oaAppId, messageMode: 'safe' },
            websiteApp: { appId: state.webAppId },
            miniProgram: { appId: state.miniAppId },
          },
        },
        null,
        2,
      ),
    );

    let pairingCode = '';
    this.companion = new ChildService({
      name: 'companion',
      launcher: this.options.launcher,
      args: ['--config', configFile, '--stdin-bootstrap', '--exit-with-parent'],
      log: this.options.log,
      onStateChange,
      // A fresh one-time code each start: used only if this device has no valid token (first start, or a companion
      // whose data was reset); otherwise it expires unused.
      stdinLine: () => {
        pairingCode = randomBytes(24).toString('base64url');
        return JSON.stringify({ masterKey: secrets.companionMasterKey, pairingCode });
      },
      onReady: async (url) => {
        this.companionUrl = url;
        await this.pairIfNeeded(secrets, pairingCode);
        // Straight to the companion: `call` waits for the whole start-up, of which this is the last step.
        await companionRequest(url, secrets.deviceToken, 'secrets.put', {
          body: {
            officialAccount: { appSecret: secrets.oaAppSecret, token: secrets.oaToken, encodingAesKey: secrets.oaAesKey },
            websiteApp: { appSecret: secrets.webAppSecret },
            miniProgram: { appSecret: secrets.miniAppSecret },
          },
        });
        await this.registerSandboxApps(secrets, state);
      },
    });
    await this.companion.start();
    this.emit();
  }

  private async pairIfNeeded(secrets: StudioSecrets, pairingCode: string): Promise<void> {
    if (secrets.deviceToken) {
      try {
        await companionRequest(this.companionUrl!, secrets.deviceToken, 'me');
        return;
      } catch (error) {
        if (!(error instanceof StudioError) || error.code !== 'UNAUTHORIZED') throw error;
        this.options.log('[companion] this device is no longer known to the companion; pairing again');
      }
    }
    const paired = await companionRequest(this.companionUrl!, null, 'devices.pair', {
      body: { code: pairingCode, deviceName: this.options.deviceName ?? `${os.hostname()} (studio)`, memberName: os.userInfo().username || '我' },
    });
    secrets.deviceToken = paired.deviceToken;
    this.tokens.device = paired.deviceToken;
    this.box.update({ deviceToken: paired.deviceToken });
  }

  private async registerSandboxApps(secrets: StudioSecrets, state: LinkState): Promise<void> {
    const put = async (body: unknown) => {
      const res = await fetch(`${this.sandboxUrl}/__sandbox/apps`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [SANDBOX_CONTROL_HEADER]: secrets.sandboxControlToken },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`The sandbox refused app registration (${res.status}): ${await res.text()}`);
    };
    await put({
      appId: state.oaAppId,
      appSecret: secrets.oaAppSecret,
      kind: 'officialAccount',
      name: '创作者工作台（沙箱服务号）',
      originalId: `gh_${state.oaAppId.slice(2, 14)}`,
      push: { url: `${this.companionUrl}/wechat/events`, token: secrets.oaToken, encodingAesKey: secrets.oaAesKey, mode: 'safe' },
    });
    await put({ appId: state.webAppId, appSecret: secrets.webAppSecret, kind: 'websiteApp', name: '创作者工作台（沙箱网站应用）' });
    // The second opinion is set up apart too: without it the studio scans locally only.
    await this.setUpSandboxMiniProgram(secrets, state).catch((error: unknown) =>
      this.options.log(`[companion] content-check sandbox set-up failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    // WeChat Pay is set up apart: a failure there leaves pay "not configured" but the rest of the companion working.
    await this.setUpSandboxPay(secrets, state).catch((error: unknown) =>
      this.options.log(`[companion] WeChat Pay sandbox set-up failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /**
   * Registers the sandbox mini program, whose msg_sec_check gives the online second opinion. v2 runs as a user of the
   * mini program (wechat-protocols.md §8.1): here the sandbox's first user, whose openid in it becomes the companion's
   * review openid. After every start, since the sandbox keeps nothing across restarts.
   */
  private async setUpSandboxMiniProgram(secrets: StudioSecrets, state: LinkState): Promise<void> {
    const headers = { 'Content-Type': 'application/json', [SANDBOX_CONTROL_HEADER]: secrets.sandboxControlToken };
    const app = await fetch(`${this.sandboxUrl}${sandboxControl['apps.put'].path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ appId: state.miniAppId, appSecret: secrets.miniAppSecret, kind: 'miniProgram', name: '创作者工作台（沙箱小程序）' }),
    });
    if (!app.ok) throw new Error(`the sandbox refused the mini program (${app.status}): ${await app.text()}`);
    const users = await fetch(`${this.sandboxUrl}${sandboxControl['users.list'].path}`, { headers: { [SANDBOX_CONTROL_HEADER]: secrets.sandboxControlToken } });
    if (!users.ok) throw new Error(`the sandbox did not list its users (${users.status})`);
    const reviewer = sandboxControl['users.list'].response.parse(await users.json()).items[0];
    if (!reviewer) throw new Error('the sandbox has no users');
    const res = await fetch(`${this.sandboxUrl}${sandboxControl['users.openid'].path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ appId: state.miniAppId, userId: reviewer.id }),
    });
    if (!res.ok) throw new Error(`the sandbox gave no openid (${res.status}): ${await res.text()}`);
    const { openid } = sandboxControl['users.openid'].response.parse(await res.json());
    await companionRequest(this.companionUrl!, secrets.deviceToken, 'settings.update', { body: { miniProgram: { reviewOpenid: openid } } });
  }

  /**
   * Registers this workspace's sandbox merchant with the sandbox (its public key, APIv3 key, the official account as
   * its app) and gives the companion the merchant key and the sandbox's WeChat Pay public key. The sandbox makes new
   * platform keys on every start, so this runs after each (re)start.
   */
  private async setUpSandboxPay(secrets: StudioSecrets, state: LinkState): Promise<void> {
    const merchantPublicKeyPem = createPublicKey(secrets.payMerchantKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    const res = await fetch(`${this.sandboxUrl}/__sandbox/pay/merchants`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [SANDBOX_CONTROL_HEADER]: secrets.sandboxControlToken },
      body: JSON.stringify({
        mchId: state.payMchId,
        name: '创作者工作台（沙箱商户）',
        certificateSerial: state.paySerialNo,
        publicKeyPem: merchantPublicKeyPem,
        apiV3Key: secrets.payApiV3Key,
        appIds: [state.oaAppId],
        verification: 'publicKey',
      }),
    });
    if (!res.ok) throw new Error(`the sandbox refused the merchant (${res.status}): ${await res.text()}`);
    const platform = payPlatformSchema.parse(await res.json());
    await companionRequest(this.companionUrl!, secrets.deviceToken, 'pay.updateSettings', {
      body: {
        mchId: state.payMchId,
        merchantSerialNo: state.paySerialNo,
        verifyMode: 'publicKey',
        publicKeyId: platform.publicKeyId,
        publicKeyPem: platform.publicKeyPem,
        appId: state.oaAppId,
        merchantPrivateKeyPem: secrets.payMerchantKeyPem,
        apiV3Key: secrets.payApiV3Key,
      },
    });
  }

  /** Where the companion is and this device's token, for the binary routes `call` cannot carry; null when not ready. */
  endpoint(): { url: string; token: string } | null {
    if (this.remote) return this.remote.state === 'ready' ? { url: this.remote.url, token: this.tokens.remote } : null;
    if (!this.companionUrl || !this.tokens.device || this.companion?.current.state !== 'ready') return null;
    return { url: this.companionUrl, token: this.tokens.device };
  }

  /** A companion API call as this device. */
  async call<N extends CompanionRouteName>(name: N, parts: RequestParts<N> = {}): Promise<RouteAnswer<N>> {
    if (this.remote) {
      if (this.remote.state !== 'ready') throw new StudioError('COMPANION_UNAVAILABLE', `The team companion at ${this.remote.url} is not reachable`);
      return companionRequest(this.remote.url, this.tokens.remote, name, parts);
    }
    const token = this.tokens.device;
    if (!this.companionUrl || !token || this.companion?.current.state !== 'ready') {
      throw new StudioError('COMPANION_UNAVAILABLE', `The companion is not running (${this.companion?.current.state ?? 'stopped'})`);
    }
    return companionRequest(this.companionUrl, token, name, parts);
  }

  private async stopEmbedded(): Promise<void> {
    await Promise.all([this.companion?.stop(), this.sandbox?.stop()]);
    this.companion = null;
    this.sandbox = null;
    this.companionUrl = null;
    this.sandboxUrl = null;
  }

  async stop(): Promise<void> {
    await this.stopEmbedded();
  }
}
