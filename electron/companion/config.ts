/**
 * The companion's settings: a JSON file (`companion.json`, see companion.example.json) and/or environment variables
 * (`CREATOR_STUDIO_COMPANION_*`, which win over the file), validated in one place with errors that name the key and
 * where it came from. Secret fields may be written as `env:NAME` to keep them out of the file.
 *
 * | key                                    | environment variable (prefix CREATOR_STUDIO_COMPANION_) | default |
 * |----------------------------------------|------------------------------|-------------------------------|
 * | host                                   | HOST                         | 127.0.0.1                     |
 * | port                                   | PORT                         | 8720 (0 = any free port)      |
 * | dataDir                                | DATA_DIR                     | ./companion-data (beside the config file) |
 * | publicBaseUrl                          | PUBLIC_BASE_URL              | http://<host>:<port> once listening |
 * | sandbox                                | SANDBOX                      | false                         |
 * | sandboxUrl                             | SANDBOX_URL                  | (required when sandbox)       |
 * | secretsKeyFile                         | SECRETS_KEY_FILE             | none: then KEY (base64) must be set |
 * | logLevel                               | LOG_LEVEL                    | info                          |
 * | wechat.officialAccount.appId           | OA_APP_ID                    |                               |
 * | wechat.officialAccount.appSecret       | OA_APP_SECRET                | secret, `env:` allowed        |
 * | wechat.officialAccount.token           | OA_TOKEN                     | secret, `env:` allowed        |
 * | wechat.officialAccount.encodingAesKey  | OA_ENCODING_AES_KEY          | secret, `env:` allowed        |
 * | wechat.officialAccount.messageMode     | OA_MESSAGE_MODE              | safe                          |
 * | wechat.websiteApp.appId                | WEBSITE_APP_ID               |                               |
 * | wechat.websiteApp.appSecret            | WEBSITE_APP_SECRET           | secret, `env:` allowed        |
 * | wechat.miniProgram.appId               | MINI_PROGRAM_APP_ID          | (the online second opinion)   |
 * | wechat.miniProgram.appSecret           | MINI_PROGRAM_APP_SECRET      | secret, `env:` allowed        |
 * | wechat.miniProgram.reviewOpenid        | MINI_PROGRAM_REVIEW_OPENID   | openid msg_sec_check runs as  |
 * | wechat.baseUrls.api / open / mp        | API_BASE_URL / OPEN_BASE_URL / MP_BASE_URL | WeChat's real hosts |
 * | wechat.baseUrls.pay                    | PAY_BASE_URL                 | https://api.mch.weixin.qq.com |
 * | wechat.pay.appId                       | PAY_APP_ID                   | the official account's appId  |
 * | wechat.pay.mchId                       | PAY_MCH_ID                   |                               |
 * | wechat.pay.merchantSerialNo            | PAY_MERCHANT_SERIAL_NO       |                               |
 * | wechat.pay.merchantPrivateKeyFile      | PAY_MERCHANT_PRIVATE_KEY_FILE | PEM path; secret, `env:` (PEM) allowed |
 * | wechat.pay.apiV3Key                    | PAY_API_V3_KEY               | secret (32 bytes), `env:` allowed |
 * | wechat.pay.verifyMode                  | PAY_VERIFY_MODE              | platformCertificates / publicKey |
 * | wechat.pay.publicKeyId                 | PAY_PUBLIC_KEY_ID            | PUB_KEY_ID_…                  |
 * | wechat.pay.publicKeyFile               | PAY_PUBLIC_KEY_FILE          | PEM path; `env:` (PEM) allowed |
 * | wechat.pay.notifyUrl                   | PAY_NOTIFY_URL               | <publicBaseUrl>/wechat/pay/notify (HTTPS) |
 * | wechat.pay.reconcileIntervalSeconds    | PAY_RECONCILE_INTERVAL_SECONDS | 300 (0 = only at start)     |
 *
 * WeChat secrets left out of the config can be set later through the API (`secrets.put`, stored encrypted); a secret
 * that the config sets is managed by the config, and the API refuses to change it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EMPTY_PAY_CONFIG, PAY_HOST, payFileSchema, resolvePayConfig, type PayConfig } from './config-pay';

export const ENV_PREFIX = 'CREATOR_STUDIO_COMPANION_';
/** The master key for secrets at rest (base64 of 32 bytes), when no key file is configured. */
export const MASTER_KEY_ENV = `${ENV_PREFIX}KEY`;
export const DEFAULT_PORT = 8720;

export const WECHAT_HOSTS = {
  api: 'https://api.weixin.qq.com',
  open: 'https://open.weixin.qq.com',
  mp: 'https://mp.weixin.qq.com',
  pay: PAY_HOST,
} as const;

export const MESSAGE_MODES = ['plain', 'compatible', 'safe'] as const;
export type MessageMode = (typeof MESSAGE_MODES)[number];

type Kind = 'string' | 'int' | 'bool';
/** Every setting that an environment variable can give: its key in the file, its variable, and how to read it. */
export const ENV_SETTINGS: readonly { key: string; env: string; kind: Kind; secret?: true }[] = [
  { key: 'host', env: 'HOST', kind: 'string' },
  { key: 'port', env: 'PORT', kind: 'int' },
  { key: 'dataDir', env: 'DATA_DIR', kind: 'string' },
  { key: 'publicBaseUrl', env: 'PUBLIC_BASE_URL', kind: 'string' },
  { key: 'sandbox', env: 'SANDBOX', kind: 'bool' },
  { key: 'sandboxUrl', env: 'SANDBOX_URL', kind: 'string' },
  { key: 'secretsKeyFile', env: 'SECRETS_KEY_FILE', kind: 'string' },
  { key: 'logLevel', env: 'LOG_LEVEL', kind: 'string' },
  { key: 'wechat.officialAccount.appId', env: 'OA_APP_ID', kind: 'string' },
  { key: 'wechat.officialAccount.appSecret', env: 'OA_APP_SECRET', kind: 'string', secret: true },
  { key: 'wechat.officialAccount.token', env: 'OA_TOKEN', kind: 'string', secret: true },
  { key: 'wechat.officialAccount.encodingAesKey', env: 'OA_ENCODING_AES_KEY', kind: 'string', secret: true },
  { key: 'wechat.officialAccount.messageMode', env: 'OA_MESSAGE_MODE', kind: 'string' },
  { key: 'wechat.websiteApp.appId', env: 'WEBSITE_APP_ID', kind: 'string' },
  { key: 'wechat.websiteApp.appSecret', env: 'WEBSITE_APP_SECRET', kind: 'string', secret: true },
  { key: 'wechat.miniProgram.appId', env: 'MINI_PROGRAM_APP_ID', kind: 'string' },
  { key: 'wechat.miniProgram.appSecret', env: 'MINI_PROGRAM_APP_SECRET', kind: 'string', secret: true },
  { key: 'wechat.miniProgram.reviewOpenid', env: 'MINI_PROGRAM_REVIEW_OPENID', kind: 'string' },
  { key: 'wechat.baseUrls.api', env: 'API_BASE_URL', kind: 'string' },
  { key: 'wechat.baseUrls.open', env: 'OPEN_BASE_URL', kind: 'string' },
  { key: 'wechat.baseUrls.mp', env: 'MP_BASE_URL', kind: 'string' },
  { key: 'wechat.baseUrls.pay', env: 'PAY_BASE_URL', kind: 'string' },
  { key: 'wechat.pay.appId', env: 'PAY_APP_ID', kind: 'string' },
  { key: 'wechat.pay.mchId', env: 'PAY_MCH_ID', kind: 'string' },
  { key: 'wechat.pay.merchantSerialNo', env: 'PAY_MERCHANT_SERIAL_NO', kind: 'string' },
  { key: 'wechat.pay.merchantPrivateKeyFile', env: 'PAY_MERCHANT_PRIVATE_KEY_FILE', kind: 'string', secret: true },
  { key: 'wechat.pay.apiV3Key', env: 'PAY_API_V3_KEY', kind: 'string', secret: true },
  { key: 'wechat.pay.verifyMode', env: 'PAY_VERIFY_MODE', kind: 'string' },
  { key: 'wechat.pay.publicKeyId', env: 'PAY_PUBLIC_KEY_ID', kind: 'string' },
  { key: 'wechat.pay.publicKeyFile', env: 'PAY_PUBLIC_KEY_FILE', kind: 'string', secret: true },
  { key: 'wechat.pay.notifyUrl', env: 'PAY_NOTIFY_URL', kind: 'string' },
  { key: 'wechat.pay.reconcileIntervalSeconds', env: 'PAY_RECONCILE_INTERVAL_SECONDS', kind: 'int' },
];

const SECRET_KEYS = new Set(ENV_SETTINGS.filter((s) => s.secret).map((s) => s.key));

const appId = z.string().regex(/^wx[0-9a-f]{16}$/, 'must be "wx" followed by 16 lowercase hex digits (开发 → 基本配置 → AppID)');
const appSecret = z.string().regex(/^\S{16,64}$/, 'must be 16–64 characters without spaces (the AppSecret from 基本配置)');
const httpUrl = z
  .string()
  .url('must be an absolute URL')
  .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

const fileSchema = z.strictObject({
  /** A comment for people; ignored. */
  $comment: z.string().optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
  dataDir: z.string().min(1).default('companion-data'),
  publicBaseUrl: httpUrl.optional(),
  sandbox: z.boolean().default(false),
  sandboxUrl: httpUrl.optional(),
  secretsKeyFile: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  wechat: z
    .strictObject({
      officialAccount: z
        .strictObject({
          appId: appId.optional(),
          appSecret: appSecret.optional(),
          token: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3–32 letters and digits (the Token of 服务器配置)').optional(),
          encodingAesKey: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'must be exactly 43 letters and digits (EncodingAESKey)').optional(),
          messageMode: z.enum(MESSAGE_MODES).default('safe'),
        })
        .default({ messageMode: 'safe' }),
      websiteApp: z.strictObject({ appId: appId.optional(), appSecret: appSecret.optional() }).default({}),
      miniProgram: z
        .strictObject({
          appId: appId.optional(),
          appSecret: appSecret.optional(),
          reviewOpenid: z
            .string()
            .regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be an openid of the mini program (letters, digits, - and _)')
            .optional(),
        })
        .default({}),
      baseUrls: z
        .strictObject({
          api: httpUrl.default(WECHAT_HOSTS.api),
          open: httpUrl.default(WECHAT_HOSTS.open),
          mp: httpUrl.default(WECHAT_HOSTS.mp),
          pay: httpUrl.default(WECHAT_HOSTS.pay),
        })
        .default(WECHAT_HOSTS),
      pay: payFileSchema.default({ reconcileIntervalSeconds: EMPTY_PAY_CONFIG.reconcileIntervalSeconds }),
    })
    .default({
      officialAccount: { messageMode: 'safe' },
      websiteApp: {},
      miniProgram: {},
      baseUrls: WECHAT_HOSTS,
      pay: { reconcileIntervalSeconds: EMPTY_PAY_CONFIG.reconcileIntervalSeconds },
    }),
});

export interface CompanionConfig {
  host: string;
  port: number;
  /** Absolute. */
  dataDir: string;
  /** How browsers and WeChat reach this server (no trailing slash); null = the address it listens on. */
  publicBaseUrl: string | null;
  sandbox: boolean;
  sandboxUrl: string | null;
  /** Absolute, or null. */
  secretsKeyFile: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  wechat: {
    officialAccount: {
      appId: string | null;
      appSecret: string | null;
      token: string | null;
      encodingAesKey: string | null;
      messageMode: MessageMode;
    };
    websiteApp: { appId: string | null; appSecret: string | null };
    /**
     * The mini program whose msg_sec_check (content security, §8.1) gives the online second opinion, and the openid
     * checks run as when the calling member has none in it.
     */
    miniProgram: { appId: string | null; appSecret: string | null; reviewOpenid: string | null };
    /** Where each WeChat host is; all of them point at the sandbox when `sandbox` is true. */
    baseUrls: { api: string; open: string; mp: string; pay: string };
    /** WeChat Pay (config-pay.ts); secrets in it are held in memory only. */
    pay: PayConfig;
  };
}

export interface ConfigProblem {
  /** The dotted key, e.g. `wechat.officialAccount.appId`. */
  key: string;
  /** `companion.json` (the file's path) or the environment variable's name. */
  source: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `The companion's configuration is not valid:\n${problems.map((p) => `  - ${p.key} (${p.source}): ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Path of companion.json; omitted = settings from the environment only. */
  file?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Relative paths in the environment resolve against this folder (default: the current one). */
  cwd?: string;
}

/** Reads, merges, resolves `env:` references and validates. Throws ConfigError listing every problem. */
export function loadConfig(options: LoadOptions = {}): CompanionConfig {
  const env = options.env ?? process.env;
  let raw: Record<string, unknown> = {};
  const fileLabel = options.file ? path.basename(options.file) : 'companion.json';
  if (options.file) {
    let text: string;
    try {
      text = fs.readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError([{ key: '(file)', source: options.file, message: `cannot be read: ${(error as Error).message}` }]);
    }
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError([{ key: '(file)', source: options.file, message: `is not valid JSON: ${(error as Error).message}` }]);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError([{ key: '(file)', source: options.file, message: 'must hold one JSON object' }]);
    }
  }
  const baseDir = options.file ? path.dirname(path.resolve(options.file)) : path.resolve(options.cwd ?? '.');
  return parseConfig(raw, { env, baseDir, fileLabel });
}

/** The same as loadConfig for an object already in memory (tests, the studio writing its own config). */
export function parseConfig(
  input: Record<string, unknown>,
  options: { env?: NodeJS.ProcessEnv; baseDir?: string; fileLabel?: string } = {},
): CompanionConfig {
  const env = options.env ?? {};
  const fileLabel = options.fileLabel ?? 'companion.json';
  const problems: ConfigProblem[] = [];
  const raw = structuredClone(input);
  const sourceOf = new Map<string, string>();

  for (const setting of ENV_SETTINGS) {
    const name = ENV_PREFIX + setting.env;
    const value = env[name];
    if (value === undefined || value === '') continue;
    const converted = convert(value, setting.kind);
    if (converted === undefined) {
      problems.push({ key: setting.key, source: name, message: setting.kind === 'int' ? 'must be a whole number' : 'must be true or false' });
      continue;
    }
    setPath(raw, setting.key, converted);
    sourceOf.set(setting.key, name);
  }

  // `env:NAME` in a secret field: the value is read from that variable, so the file never holds the secret.
  for (const key of SECRET_KEYS) {
    const value = getPath(raw, key);
    if (typeof value !== 'string' || !value.startsWith('env:')) continue;
    const ref = value.slice(4);
    const resolved = env[ref];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref)) {
      problems.push({ key, source: sourceOf.get(key) ?? fileLabel, message: `"env:${ref}" is not a valid environment variable reference` });
    } else if (resolved === undefined || resolved === '') {
      problems.push({ key, source: sourceOf.get(key) ?? fileLabel, message: `refers to the environment variable ${ref}, which is not set` });
    } else {
      setPath(raw, key, resolved);
      sourceOf.set(key, `${sourceOf.get(key) ?? fileLabel} → env:${ref}`);
    }
  }
  for (const key of ENV_SETTINGS.filter((s) => !s.secret).map((s) => s.key)) {
    const value = getPath(raw, key);
    if (typeof value === 'string' && value.startsWith('env:')) {
      problems.push({
        key,
        source: sourceOf.get(key) ?? fileLabel,
        message: '`env:` references are allowed for secrets only (appSecret, token, encodingAesKey, apiV3Key, key files)',
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? [issue.keys.join(', ')] : [])].join('.') || '(root)';
        const message = issue.code === 'unrecognized_keys' ? 'is not a known setting (a typo?)' : issue.message;
        return { key, source: sourceOf.get(key) ?? fileLabel, message };
      }),
    );
  }
  const c = parsed.data;
  if (c.sandbox && !c.sandboxUrl) {
    throw new ConfigError([{ key: 'sandboxUrl', source: sourceOf.get('sandbox') ?? fileLabel, message: 'is required when sandbox is true' }]);
  }
  const baseDir = options.baseDir ?? process.cwd();
  const oa = c.wechat.officialAccount;
  const web = c.wechat.websiteApp;
  const mini = c.wechat.miniProgram;
  const sandboxUrl = c.sandboxUrl ?? null;
  const pay = resolvePayConfig(c.wechat.pay, { baseDir, sandbox: c.sandbox, publicBaseUrl: c.publicBaseUrl ?? null });
  if (pay.problems.length > 0) throw new ConfigError(pay.problems.map((p) => ({ ...p, source: sourceOf.get(p.key) ?? fileLabel })));
  return {
    host: c.host,
    port: c.port,
    dataDir: path.resolve(baseDir, c.dataDir),
    publicBaseUrl: c.publicBaseUrl ?? null,
    sandbox: c.sandbox,
    sandboxUrl,
    secretsKeyFile: c.secretsKeyFile ? path.resolve(baseDir, c.secretsKeyFile) : null,
    logLevel: c.logLevel,
    wechat: {
      officialAccount: {
        appId: oa.appId ?? null,
        appSecret: oa.appSecret ?? null,
        token: oa.token ?? null,
        encodingAesKey: oa.encodingAesKey ?? null,
        messageMode: oa.messageMode,
      },
      websiteApp: { appId: web.appId ?? null, appSecret: web.appSecret ?? null },
      miniProgram: { appId: mini.appId ?? null, appSecret: mini.appSecret ?? null, reviewOpenid: mini.reviewOpenid ?? null },
      baseUrls: c.sandbox && sandboxUrl ? { api: sandboxUrl, open: sandboxUrl, mp: sandboxUrl, pay: sandboxUrl } : c.wechat.baseUrls,
      pay: pay.pay,
    },
  };
}

function convert(value: string, kind: Kind): string | number | boolean | undefined {
  if (kind === 'string') return value;
  if (kind === 'int') return /^\d{1,5}$/.test(value) ? Number(value) : undefined;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  return undefined;
}

function getPath(obj: Record<string, unknown>, key: string): unknown {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/**
 * The master key for secrets at rest, standalone: the key file (base64 of 32 bytes, surrounding whitespace ignored),
 * else the CREATOR_STUDIO_COMPANION_KEY variable. (Embedded, the studio hands it over on stdin instead.)
 */
export function loadMasterKey(config: CompanionConfig, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (config.secretsKeyFile) {
    let text: string;
    try {
      text = fs.readFileSync(config.secretsKeyFile, 'utf8');
    } catch (error) {
      throw new ConfigError([{ key: 'secretsKeyFile', source: config.secretsKeyFile, message: `cannot be read: ${(error as Error).message}` }]);
    }
    return decodeMasterKey(text.trim(), { key: 'secretsKeyFile', source: config.secretsKeyFile });
  }
  const value = env[MASTER_KEY_ENV];
  if (value) return decodeMasterKey(value.trim(), { key: '(master key)', source: MASTER_KEY_ENV });
  throw new ConfigError([
    {
      key: 'secretsKeyFile',
      source: `config or ${MASTER_KEY_ENV}`,
      message:
        'no master key for the encrypted secrets: set secretsKeyFile to a file holding a base64 32-byte key ' +
        `(create one with: openssl rand -base64 32 > companion.key) or set ${MASTER_KEY_ENV}`,
    },
  ]);
}

export function decodeMasterKey(base64: string, where: { key: string; source: string }): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new ConfigError([{ ...where, message: 'must be base64 of exactly 32 bytes' }]);
  return key;
}
