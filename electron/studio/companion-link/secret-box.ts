/**
 * Where the studio keeps its own secrets (the companion's master key, this device's token, the sandbox's control
 * token and generated WeChat credentials): one encrypted file in the data folder, never readable as plain text.
 *
 * Inside Electron the file is sealed with the OS keychain (safeStorage: DPAPI on Windows, Keychain on macOS), handed
 * in by the main process as a `Sealer`. Plain Node (browser mode) has no keychain: it seals with AES-256-GCM under a
 * key file beside it, created with owner-only permissions — protection against casual reading and accidental
 * sharing of the database, not against someone with the user's account. The README says so.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Turns bytes into sealed bytes and back; Electron's safeStorage fits this shape. */
export interface Sealer {
  kind: 'os-keychain' | 'key-file';
  seal(plain: Buffer): Buffer;
  open(sealed: Buffer): Buffer;
}

const KEY_FILE = 'studio.key';
const BOX_FILE = 'secrets.sealed';

/** AES-256-GCM under a 32-byte key kept in `<dataDir>/studio.key` (mode 0600). */
export function keyFileSealer(dataDir: string): Sealer {
  const keyPath = path.join(dataDir, KEY_FILE);
  let key: Buffer;
  try {
    key = fs.readFileSync(keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(dataDir, { recursive: true });
    key = randomBytes(32);
    // 'wx': never overwrite a key another process just wrote; read it back instead.
    try {
      fs.writeFileSync(keyPath, key, { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      key = fs.readFileSync(keyPath);
    }
  }
  if (key.length !== 32) throw new Error(`${keyPath} is not a 32-byte key`);
  return {
    kind: 'key-file',
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
    },
  };
}

/** A small JSON object of strings, sealed on disk; written to a temp file and renamed, so it is never half written. */
export class SecretBox<T extends Record<string, string>> {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly sealer: Sealer,
  ) {
    this.file = path.join(dataDir, BOX_FILE);
  }

  get kind(): Sealer['kind'] {
    return this.sealer.kind;
  }

  read(): Partial<T> {
    let sealed: Buffer;
    try {
      sealed = fs.readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    return JSON.parse(this.sealer.open(sealed).toString('utf8')) as Partial<T>;
  }

  write(values: Partial<T>): void {
    const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temp, this.sealer.seal(Buffer.from(JSON.stringify(values), 'utf8')), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }

  update(patch: Partial<T>): Partial<T> {
    const next = { ...this.read(), ...patch };
    this.write(next);
    return next;
  }
}
