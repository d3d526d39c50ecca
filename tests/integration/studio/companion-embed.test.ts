import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompanionStatus } from '../../../shared/contract/index';
import { SecretBox, keyFileSealer } from '../../../electron/studio/companion-link/secret-box';
import { createStudioHost, type StudioHost } from '../../../electron/studio/host';
import { callOk } from '../../helpers/host';
import { listFiles, tempDir } from '../../helpers/temp-dir';
import { cliLauncher, companionState } from '../../helpers/embedded';

function openEmbedded(dataDir: string): StudioHost {
  return createStudioHost({ dataDir, shell: 'browser', checkOutputs: true, companion: { launcher: cliLauncher, sealer: keyFileSealer(dataDir) } });
}

/** Child processes of `parent` whose command line names `what` (Linux: ps by parent pid). */
function children(what: string, parent = process.pid): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(` ${what} `) || line.endsWith(` ${what}`))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe.skipIf(process.platform !== 'linux')('the embedded companion and sandbox', () => {
  it('start with the host, pair this device as owner, keep secrets sealed, restart after a crash, stop with the host', async () => {
    const dataDir = tempDir();
    const host = openEmbedded(dataDir);
    try {
      const status = await companionState(host, 'ready');
      expect(status).toMatchObject({ mode: 'embedded', sandbox: true, error: null });
      expect(status.phoneUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/phone$/);

      const team = await callOk(host, 'team.members', {});
      expect(team.items).toHaveLength(1);
      expect(team.items[0]).toMatchObject({ id: team.meId, role: 'owner', wechat: null });
      expect(await callOk(host, 'pay.test', {})).toMatchObject({ ok: true, verifyMode: 'publicKey' });

      // No secret the studio generated is readable in any file but the sealed box.
      const secrets = Object.values(new SecretBox(dataDir, keyFileSealer(dataDir)).read()).filter((v): v is string => (v ?? '').length >= 16);
      expect(secrets.length).toBeGreaterThanOrEqual(5);
      for (const file of listFiles(dataDir).filter((f) => f !== 'secrets.sealed')) {
        const bytes = fs.readFileSync(path.join(dataDir, file));
        for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 4)}… in ${file}`).toBe(false);
      }

      // A crash of the companion: the host restarts it, and this device is still its owner.
      const [pid] = children('companion');
      expect(pid).toBeGreaterThan(0);
      const restarting = companionState(host, 'restarting');
      process.kill(pid!, 'SIGKILL');
      await restarting;
      await companionState(host, 'ready');
      expect(children('companion')).not.toContain(pid);
      expect((await callOk(host, 'team.members', {})).items).toHaveLength(1);
      // WeChat Pay was set up again against the same sandbox and still verifies its answers.
      expect(await callOk(host, 'pay.test', {})).toMatchObject({ ok: true, verifyMode: 'publicKey' });
    } finally {
      await host.close();
    }
    expect(children('companion')).toEqual([]);
    expect(children('sandbox')).toEqual([]);

    // A second start on the same workspace reuses the pairing: still one owner, same member.
    const again = openEmbedded(dataDir);
    try {
      await companionState(again, 'ready');
      const team = await callOk(again, 'team.members', {});
      expect(team.items).toHaveLength(1);
      expect(team.items[0]!.role).toBe('owner');
    } finally {
      await again.close();
    }
  }, 90_000);

  it('stop when the studio host dies, even by SIGKILL, instead of living on as orphans', async () => {
    const dataDir = tempDir();
    const studio = spawn(cliLauncher.execPath, [...cliLauncher.args, 'serve', '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let out = '';
        studio.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
          if (match) resolve(new URL(match[1]!));
        });
        studio.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const token = url.hash.replace('#token=', '');
      const status = async () => {
        const res = await fetch(`${url.origin}/api/call`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ method: 'companion.status', input: {} }),
        });
        return ((await res.json()) as { value: CompanionStatus }).value.state;
      };
      await expect.poll(status, { timeout: 30_000, interval: 200 }).toBe('ready');
      const pids = [...children('companion', studio.pid), ...children('sandbox', studio.pid)];
      expect(pids).toHaveLength(2);

      studio.kill('SIGKILL');
      const alive = () => pids.filter((pid) => fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '));
      await expect.poll(alive, { timeout: 15_000, interval: 100 }).toEqual([]);
    } finally {
      if (studio.exitCode === null && studio.signalCode === null) studio.kill('SIGKILL');
    }
  }, 60_000);

  it('answers COMPANION_UNAVAILABLE for team methods when no companion is configured', async () => {
    const host = createStudioHost({ dataDir: tempDir(), shell: 'browser' });
    try {
      const result = await host.dispatch('team.members', {});
      expect(result).toMatchObject({ ok: false, error: { code: 'COMPANION_UNAVAILABLE' } });
      expect(await callOk(host, 'companion.status', {})).toMatchObject({ mode: 'off', state: 'stopped' });
    } finally {
      await host.close();
    }
  });
});
