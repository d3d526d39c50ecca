/**
 * Benchmark of safe-mode WeChat event pushes into the companion on loopback (`npm run bench:events`; options
 * `-- --duration=5` seconds per measured phase, `--log-level=info` for the companion, `--cpu-prof=DIR` to profile the
 * companion child). Issue 3: ≥ 2,000 events/s on 2 cores, p99 < 50 ms at 1,000 requests/s, beside a bare Fastify
 * route that only answers `success` (tests/bench/bare-fastify.ts), measured in the same run.
 *
 * Both servers run as child processes started the way the studio starts the companion (`creator-studio companion
 * --config … --stdin-bootstrap`), so the load generator (node:http, keep-alive, bounded sockets) never shares their
 * event loop. Every request is a real safe-mode push (§5.2/§5.5): query signature + msg_signature, the
 * `<xml><ToUserName/><Encrypt/></xml>` envelope, a distinct event each time (FromUserName and CreateTime), encrypted
 * and signed between phases, never while one is timed, by the few lines below — not the companion's code. The
 * companion verifies, decrypts, parses, stores and answers `success`; at the start one push is checked end to end
 * (and a forged one refused), at the end the number of stored events must equal the number of successful requests.
 * Prints the machine, each phase (with the CPU each process used and what the server wrote, from /proc), then a
 * table against the targets; exits 0 unless something crashes (a missed target is reported, not thrown). Child
 * processes and the temp folder are removed in every case.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { maskOpenid } from '../../shared/companion/api';
import { CLK_TCK, benchTempRoot, children, option, peakRssMiB, readProc, startChild, stopChild, tail, type Child } from './support/child-processes';


const DURATION_S = Number(option('duration', '5'));
if (!(DURATION_S >= 1 && DURATION_S <= 60)) throw new Error('--duration must be 1–60 seconds');
const WARMUP_S = 1;
const LOG_LEVEL = option('log-level', 'info'); // the companion's default, as the studio embeds it
const CPU_PROF_DIR = option('cpu-prof', '') ? path.resolve(option('cpu-prof', '')) : null;
const CONNECTIONS = [32, 64];
const RATES = [200, 1000];
const OPEN_LOOP_SOCKETS = 64;
const REQUEST_TIMEOUT_MS = 10_000;
/** After an open-loop schedule ends, answers still outstanding this long later are aborted and counted as errors. */
const DRAIN_GRACE_MS = 10_000;
/**
 * Pushes are built between phases, never during one: before a closed-loop phase, enough for twice the best rate seen
 * so far (at least this many a second), so that a faster companion does not run out.
 */
const POOL_RATE_FLOOR = 8_000;

const TARGETS = { throughput: 2_000, p99At1000: 50 };

// ---------------------------------------------------------------------------------------------------------------
// WXBizMsgCrypt, independently (wechat-protocols.md §5.5): AES-256-CBC, IV = key[0:16], PKCS#7 to 32-byte blocks over
// random(16) || len (u32 BE) || msg || appid; signatures are sha1 of the sorted strings, lowercase hex.

const sha1Sorted = (...parts: string[]): string => createHash('sha1').update(parts.sort().join('')).digest('hex');

function wechatEncrypt(key: Buffer, message: string, appId: string, random16: Buffer): string {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([random16, len, msg, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

interface Account {
  appId: string;
  originalId: string;
  token: string;
  encodingAesKey: string;
  key: Buffer;
}

function newAccount(): Account {
  const encodingAesKey = randomBytes(32).toString('base64').slice(0, 43);
  return {
    appId: `wx${randomBytes(8).toString('hex')}`,
    originalId: `gh_${randomBytes(6).toString('hex')}`,
    token: randomBytes(12).toString('hex'),
    encodingAesKey,
    key: Buffer.from(`${encodingAesKey}=`, 'base64'),
  };
}

interface Push {
  path: string;
  body: Buffer;
  openid: string;
  event: string;
}

/** A mix of the events the companion handles (§5.2), one a push; nothing here is looked up at WeChat. */
function eventFields(i: number): { event: string; extra: string } {
  const ticket = `gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL${(i % 97).toString(36)}`;
  switch (i % 7) {
    case 0:
      return { event: 'subscribe', extra: '' };
    case 1:
      return { event: 'subscribe', extra: `<EventKey><![CDATA[qrscene_poster-${i % 50}]]></EventKey><Ticket><![CDATA[${ticket}]]></Ticket>` };
    case 2:
      return { event: 'SCAN', extra: `<EventKey><![CDATA[poster-${i % 50}]]></EventKey><Ticket><![CDATA[${ticket}]]></Ticket>` };
    case 3:
      return { event: 'CLICK', extra: '<EventKey><![CDATA[MENU_COURSES]]></EventKey>' };
    case 4:
      return { event: 'VIEW', extra: '<EventKey><![CDATA[https://example.com/course/42]]></EventKey><MenuId>412345678</MenuId>' };
    case 5:
      return { event: 'unsubscribe', extra: '' };
    default:
      return { event: 'TEMPLATESENDJOBFINISH', extra: `<MsgID>${2_000_000_000 + i}</MsgID><Status><![CDATA[success]]></Status>` };
  }
}

const RUN_TAG = randomBytes(6).toString('hex').slice(0, 9);
const BASE_TIME = Math.floor(Date.now() / 1000) - 1_000_000;

/** Push number `index` of this run: its own openid and CreateTime, so that no two are de-duplicated. */
function buildPush(account: Account, index: number): Push {
  const openid = `oBENCH_${RUN_TAG}_${index.toString(36).padStart(11, '0')}`; // 28 characters, like a real openid
  const { event, extra } = eventFields(index);
  const xml =
    `<xml><ToUserName><![CDATA[${account.originalId}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>` +
    `<CreateTime>${BASE_TIME + index}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${extra}</xml>`;
  const random = randomBytes(20);
  const encrypt = wechatEncrypt(account.key, xml, account.appId, random.subarray(0, 16));
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(random.readUInt32BE(16));
  const query = new URLSearchParams({
    signature: sha1Sorted(account.token, timestamp, nonce),
    timestamp,
    nonce,
    openid,
    encrypt_type: 'aes',
    msg_signature: sha1Sorted(account.token, timestamp, nonce, encrypt),
  });
  const body = `<xml><ToUserName><![CDATA[${account.originalId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { path: `/wechat/events?${query}`, body: Buffer.from(body, 'utf8'), openid, event };
}

/** Every push of the run, built ahead of the phase that sends it. */
class PushPool {
  readonly pushes: Push[] = [];
  buildSeconds = 0;

  constructor(private readonly account: Account) {}

  /** Makes sure at least `count` pushes after the first `used` exist. */
  reserve(used: number, count: number): void {
    const t0 = performance.now();
    while (this.pushes.length < used + count) this.pushes.push(buildPush(this.account, this.pushes.length));
    this.buildSeconds += (performance.now() - t0) / 1000;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes: started with `node --import tsx …`, one ready line on stdout, logs to a file, stopped by SIGTERM.

/** What Linux says about a server process and the machine at one instant; the phase lines print the differences. */
interface Snapshot {
  /** CPU seconds of the whole process (all threads), user + system. */
  processCpu: number;
  /** Main thread: seconds on a CPU, and seconds runnable but waiting for one (another process had the cores). */
  mainOnCpu: number;
  mainWaiting: number;
  /** Write syscalls (files and sockets) and bytes sent towards storage. */
  writeCalls: number;
  storageBytes: number;
  /** Seconds of CPU the whole machine spent busy (all cores). */
  machineBusy: number;
}

function snapshot(pid: number | undefined): Snapshot | null {
  const stat = readProc(`/proc/${pid}/stat`);
  const sched = readProc(`/proc/${pid}/task/${pid}/schedstat`);
  const io = readProc(`/proc/${pid}/io`);
  const machine = readProc('/proc/stat');
  if (!stat || !sched || !io || !machine) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [onCpuNs, waitNs] = sched.trim().split(/\s+/).map(Number);
  const ioField = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
  // cpu  user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const ticks = machine.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const busyTicks = ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!;
  return {
    processCpu: (Number(fields[11]) + Number(fields[12])) / CLK_TCK,
    mainOnCpu: onCpuNs! / 1e9,
    mainWaiting: waitNs! / 1e9,
    writeCalls: ioField('syscw'),
    storageBytes: ioField('write_bytes'),
    machineBusy: busyTicks / CLK_TCK,
  };
}


// The load generator.

type Outcome = { kind: 'ok' } | { kind: 'bad' | 'error'; detail: string };
const OK: Outcome = { kind: 'ok' };

function post(agent: http.Agent, port: number, push: Push, signal?: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: push.path,
        agent,
        headers: { 'Content-Type': 'text/xml', 'Content-Length': push.body.length },
        ...(signal ? { signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(res.statusCode === 200 && text === 'success' ? OK : { kind: 'bad', detail: `${res.statusCode} ${text.slice(0, 100)}` });
        });
        res.on('error', (error) => resolve({ kind: 'error', detail: error.message }));
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (error) => resolve({ kind: 'error', detail: error.message }));
    req.end(push.body);
  });
}

interface Target {
  name: string;
  child: Child;
  /** The next push to send, or null when the pool is used up (the companion gets each push once). */
  next(): Push | null;
  /** Builds pushes (outside any timing) so that `count` more can be sent. */
  reserve(count: number): void;
  ok: number;
}

interface Phase {
  label: string;
  ok: number;
  bad: number;
  errors: number;
  firstProblem: string | null;
  /** Milliseconds per successful request: from the send (closed loop) or from the scheduled send time (open loop). */
  latencies: number[];
  elapsedMs: number;
  sent: number;
  exhausted: boolean;
  /** Shares of one core over the phase; null where /proc is not there. */
  serverCpu: number | null;
  serverMainWaiting: number | null;
  generatorCpu: number;
  otherCpu: number | null;
  /** Per successful request, on the server. */
  writeCallsPerRequest: number | null;
  storageBytesPerRequest: number | null;
}

function newPhase(label: string): Phase {
  return {
    label,
    ok: 0,
    bad: 0,
    errors: 0,
    firstProblem: null,
    latencies: [],
    elapsedMs: 0,
    sent: 0,
    exhausted: false,
    serverCpu: null,
    serverMainWaiting: null,
    generatorCpu: 0,
    otherCpu: null,
    writeCallsPerRequest: null,
    storageBytesPerRequest: null,
  };
}

function record(target: Target, phase: Phase, outcome: Outcome, latencyMs: number): void {
  if (outcome.kind === 'ok') {
    phase.ok++;
    target.ok++;
    phase.latencies.push(latencyMs);
    return;
  }
  if (outcome.kind === 'bad') phase.bad++;
  else phase.errors++;
  phase.firstProblem ??= outcome.detail;
}

/**
 * Runs `body` and notes the wall time, the CPU the server, this process and everything else on the machine used
 * meanwhile (as shares of one core), how long the server's main thread waited for a core, and what it wrote.
 */
async function measured(target: Target, phase: Phase, body: () => Promise<void>): Promise<Phase> {
  const pid = target.child.proc.pid;
  const before = snapshot(pid);
  const gen0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  phase.elapsedMs = performance.now() - t0;
  const after = snapshot(pid);
  const gen = process.cpuUsage(gen0);
  const seconds = phase.elapsedMs / 1000;
  phase.generatorCpu = (gen.user + gen.system) / 1e6 / seconds;
  if (before && after) {
    phase.serverCpu = (after.processCpu - before.processCpu) / seconds;
    phase.serverMainWaiting = (after.mainWaiting - before.mainWaiting) / seconds;
    phase.otherCpu = Math.max(0, (after.machineBusy - before.machineBusy) / seconds - phase.serverCpu - phase.generatorCpu);
    const n = Math.max(1, phase.ok);
    phase.writeCallsPerRequest = (after.writeCalls - before.writeCalls) / n;
    phase.storageBytesPerRequest = (after.storageBytes - before.storageBytes) / n;
  }
  return phase;
}

/** N connections, each sending its next request as soon as the previous answer is in, for `seconds`. */
function closedLoop(target: Target, connections: number, seconds: number, label: string): Promise<Phase> {
  const phase = newPhase(label);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  return measured(target, phase, async () => {
    const end = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < end) {
        const push = target.next();
        if (!push) {
          phase.exhausted = true;
          return;
        }
        phase.sent++;
        const start = performance.now();
        const outcome = await post(agent, target.child.port, push);
        record(target, phase, outcome, performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    agent.destroy();
  });
}

/**
 * `rate` requests a second on a fixed schedule for `seconds`, whether or not earlier answers are in; each latency is
 * measured from the time its request was due, so a stall shows in every request it delays (no coordinated omission).
 */
function openLoop(target: Target, rate: number, seconds: number, label: string): Promise<Phase> {
  const phase = newPhase(label);
  const agent = new http.Agent({ keepAlive: true, maxSockets: OPEN_LOOP_SOCKETS, maxFreeSockets: OPEN_LOOP_SOCKETS });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one signal for every request of the phase
  return measured(target, phase, async () => {
    const total = Math.round(rate * seconds);
    const interval = 1000 / rate;
    const t0 = performance.now() + 5;
    const inFlight: Promise<void>[] = [];
    let i = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (i < total && t0 + i * interval <= now) {
          const due = t0 + i * interval;
          i++;
          const push = target.next();
          if (!push) {
            phase.exhausted = true;
            i = total;
            break;
          }
          phase.sent++;
          inFlight.push(post(agent, target.child.port, push, abort.signal).then((outcome) => record(target, phase, outcome, performance.now() - due)));
        }
        if (i >= total) resolve();
        else setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
      };
      tick();
    });
    const hardStop = setTimeout(() => abort.abort(), DRAIN_GRACE_MS);
    await Promise.all(inFlight);
    clearTimeout(hardStop);
    agent.destroy();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Figures.

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!; // nearest rank
}

interface Summary {
  rate: number;
  p50: number;
  p99: number;
  max: number;
  phase: Phase;
}

function summarize(phase: Phase): Summary {
  const sorted = Float64Array.from(phase.latencies).sort();
  const list = Array.from(sorted);
  return { rate: phase.ok / (phase.elapsedMs / 1000), p50: percentile(list, 0.5), p99: percentile(list, 0.99), max: list.at(-1) ?? NaN, phase };
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const msText = (n: number): string => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : '—');
const pct = (n: number | null): string => (n === null ? '—' : `${Math.round(n * 100)}%`);

/** A closed loop whose load generator used (nearly) a whole core measured the generator, not only the server. */
const saturated = (p: Phase): boolean => p.label.startsWith('closed') && p.generatorCpu >= 0.9;

function printPhase(target: Target, s: Summary): void {
  const p = s.phase;
  const problems = p.bad + p.errors > 0 ? `non-success ${p.bad}, errors ${p.errors} (first: ${p.firstProblem})` : '0 errors, 0 non-success';
  console.log(
    `  ${target.name.padEnd(12)} ${p.label.padEnd(22)} ${int(p.ok).padStart(7)} ok in ${(p.elapsedMs / 1000).toFixed(2)} s = ${int(s.rate).padStart(6)}/s   ` +
      `p50 ${msText(s.p50).padStart(8)}  p99 ${msText(s.p99).padStart(8)}  max ${msText(s.max).padStart(8)}   ${problems}` +
      `${p.exhausted ? '   (push pool used up: phase ended early)' : ''}${saturated(p) ? '   (load generator saturated: the server could do more)' : ''}`,
  );
  const writes =
    p.writeCallsPerRequest === null || p.storageBytesPerRequest === null
      ? ''
      : `; server wrote ${p.writeCallsPerRequest.toFixed(1)} syscalls, ${(p.storageBytesPerRequest / 1024).toFixed(1)} KiB to storage a request`;
  console.log(
    `  ${''.padEnd(35)}CPU (share of one core): server ${pct(p.serverCpu)} (its main thread waited for a core ${pct(p.serverMainWaiting)}), ` +
      `load generator ${pct(p.generatorCpu)}, other processes ${pct(p.otherCpu)}${writes}`,
  );
}

async function runPhases(target: Target): Promise<{ closed: Summary[]; open: Summary[] }> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 500));
  target.reserve(POOL_RATE_FLOOR * WARMUP_S);
  let bestRate = summarize(await closedLoop(target, CONNECTIONS[0]!, WARMUP_S, 'warm-up')).rate;
  await pause();
  const closed: Summary[] = [];
  for (const n of CONNECTIONS) {
    target.reserve(Math.ceil(Math.max(POOL_RATE_FLOOR, 2 * bestRate) * DURATION_S));
    const s = summarize(await closedLoop(target, n, DURATION_S, `closed loop, ${n} conns`));
    bestRate = Math.max(bestRate, s.rate);
    printPhase(target, s);
    closed.push(s);
    await pause();
  }
  const open: Summary[] = [];
  for (const rate of RATES) {
    target.reserve(rate * DURATION_S + 10);
    const s = summarize(await openLoop(target, rate, DURATION_S, `open loop, ${int(rate)}/s`));
    printPhase(target, s);
    open.push(s);
    await pause();
  }
  return { closed, open };
}

// ---------------------------------------------------------------------------------------------------------------
// The companion's side of the check: pairing, events.list.

async function api<T>(child: Child, method: string, route: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${child.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface EventsPage {
  total: number;
  items: { event: string | null; openidMasked: string; msgType: string }[];
}

async function main(tempRoot: string): Promise<void> {
  const cpus = os.cpus();
  const probe = new Database(':memory:');
  const sqliteVersion = (probe.prepare('select sqlite_version() as v').get() as { v: string }).v;
  probe.close();
  console.log('Creator Studio benchmark: safe-mode WeChat event pushes into the companion, on loopback');
  console.log(`  cpu       ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} cores`);
  console.log(`  memory    ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log(`  platform  ${os.platform()} ${os.release()} ${os.arch()}`);
  console.log(`  node      ${process.version}, SQLite ${sqliteVersion} (better-sqlite3)`);
  console.log(
    `  method    servers are child processes; load from this process (node:http keep-alive); ${WARMUP_S} s warm-up, ${DURATION_S} s a phase; ` +
      `closed loop at ${CONNECTIONS.join(' and ')} connections, open loop at ${RATES.map(int).join(' and ')} req/s (≤ ${OPEN_LOOP_SOCKETS} sockets)`,
  );

  const account = newAccount();
  const pool = new PushPool(account);

  // The companion, as the studio embeds it: a config file, the master key and a pairing code on stdin.
  const dataDir = path.join(tempRoot, 'companion-data');
  const configFile = path.join(tempRoot, 'companion.json');
  const config = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: LOG_LEVEL,
    // Nothing on the event path calls WeChat; should anything try, it reaches a closed loopback port.
    sandbox: true,
    sandboxUrl: 'http://127.0.0.1:9',
    wechat: { officialAccount: { appId: account.appId, token: account.token, encodingAesKey: account.encodingAesKey, messageMode: 'safe' } },
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  const pairingCode = randomBytes(24).toString('base64url');
  const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
  if (CPU_PROF_DIR) fs.mkdirSync(CPU_PROF_DIR, { recursive: true });
  const companion = await startChild('companion', ['electron/cli/index.ts', 'companion', '--config', configFile, '--stdin-bootstrap'], {
    logFile: path.join(tempRoot, 'companion.log'),
    stdinLine: JSON.stringify({ masterKey: randomBytes(32).toString('base64'), pairingCode }),
    nodeArgs,
  });
  const bare = await startChild('bare Fastify', ['tests/bench/bare-fastify.ts'], { logFile: path.join(tempRoot, 'bare-fastify.log') });
  console.log(`  servers   companion ${companion.url} (logLevel ${LOG_LEVEL}${CPU_PROF_DIR ? `, --cpu-prof into ${CPU_PROF_DIR}` : ''}); bare Fastify ${bare.url}`);
  console.log('');

  // The companion gets every push once; the bare route gets the same bytes, round and round.
  let nextPush = 0;
  const companionTarget: Target = {
    name: 'companion',
    child: companion,
    next: () => pool.pushes[nextPush++] ?? null,
    reserve: (count) => pool.reserve(nextPush, count),
    ok: 0,
  };
  let nextBare = 0;
  const bareTarget: Target = { name: 'bare Fastify', child: bare, next: () => pool.pushes[nextBare++ % pool.pushes.length]!, reserve: () => {}, ok: 0 };

  // The check that makes the figures mean something: one push built here is accepted and stored, a forged one is not.
  const { deviceToken } = await api<{ deviceToken: string }>(companion, 'POST', '/api/devices/pair', null, { code: pairingCode, deviceName: 'event benchmark', memberName: 'bench' });
  const eventsTotal = async () => (await api<EventsPage>(companion, 'GET', '/api/events?limit=1', deviceToken)).total;
  if ((await eventsTotal()) !== 0) throw new Error('The fresh companion already has events');
  const probeAgent = new http.Agent({ keepAlive: false });
  companionTarget.reserve(1);
  const first = companionTarget.next()!;
  const accepted = await post(probeAgent, companion.port, first);
  if (accepted.kind !== 'ok') throw new Error(`The companion refused a push built by this benchmark: ${accepted.detail}`);
  companionTarget.ok++;
  const forged = buildPush(account, 1e9); // an index no phase reaches
  forged.path = forged.path.replace(/msg_signature=[0-9a-f]{40}/, `msg_signature=${sha1Sorted('forged', forged.path)}`);
  const refused = await post(probeAgent, companion.port, forged);
  if (refused.kind !== 'bad' || !refused.detail.startsWith('403')) throw new Error(`A push with a wrong msg_signature was not refused with 403: ${JSON.stringify(refused)}`);
  const stored = await api<EventsPage>(companion, 'GET', '/api/events?limit=1', deviceToken);
  if (stored.total !== 1 || stored.items[0]?.openidMasked !== maskOpenid(first.openid) || stored.items[0]?.event !== first.event) {
    throw new Error(`After one push and one forged push, events.list shows ${JSON.stringify(stored)}`);
  }
  const bareCheck = await post(probeAgent, bare.port, first);
  if (bareCheck.kind !== 'ok') throw new Error(`The bare Fastify route did not answer success: ${bareCheck.detail}`);
  probeAgent.destroy();
  console.log(`  check     a push built here → 200 "success", stored (events.list total 1, ${stored.items[0]!.openidMasked} ${first.event}); forged msg_signature → 403, nothing stored`);
  console.log('');

  const results = { companion: await runPhases(companionTarget), bare: await runPhases(bareTarget) };

  // Every successful answer must be one stored event: through the API while running, then in the file after a stop.
  const storedTotal = await eventsTotal();
  const companionRss = peakRssMiB(companion.proc.pid);
  const bareRss = peakRssMiB(bare.proc.pid);
  await stopChild(companion);
  await stopChild(bare);
  const db = new Database(path.join(dataDir, 'companion.db'), { readonly: true });
  const inFile = db.prepare('SELECT count(*) AS n, count(processed_at) AS processed FROM events').get() as { n: number; processed: number };
  db.close();
  const logBytes = fs.statSync(companion.logFile).size;

  const best = (list: Summary[]) => list.reduce((a, b) => (b.rate > a.rate ? b : a));
  const c = { tp: best(results.companion.closed), o200: results.companion.open[0]!, o1000: results.companion.open[1]! };
  const b = { tp: best(results.bare.closed), o200: results.bare.open[0]!, o1000: results.bare.open[1]! };
  const clean = (s: Summary) => s.phase.bad + s.phase.errors === 0 && !s.phase.exhausted;
  const rows: [string, string, string, string, string, string][] = [
    [
      `throughput (best of ${CONNECTIONS.join('/')} conns)`,
      `≥ ${int(TARGETS.throughput)}/s`,
      `${saturated(c.tp.phase) ? '≥ ' : ''}${int(c.tp.rate)}/s`,
      `${saturated(b.tp.phase) ? '≥ ' : ''}${int(b.tp.rate)}/s`,
      // A ceiling measured as "at least" makes the ratio a bound too.
      `${saturated(b.tp.phase) && !saturated(c.tp.phase) ? '≤ ' : saturated(c.tp.phase) && !saturated(b.tp.phase) ? '≥ ' : ''}${(c.tp.rate / b.tp.rate).toFixed(2)}×`,
      c.tp.rate >= TARGETS.throughput && clean(c.tp) ? 'PASS' : 'MISS',
    ],
    ['p50 at 200 req/s', '', msText(c.o200.p50), msText(b.o200.p50), `${(c.o200.p50 / b.o200.p50).toFixed(1)}×`, ''],
    ['p99 at 200 req/s', '', msText(c.o200.p99), msText(b.o200.p99), `${(c.o200.p99 / b.o200.p99).toFixed(1)}×`, ''],
    ['p50 at 1,000 req/s', '', msText(c.o1000.p50), msText(b.o1000.p50), `${(c.o1000.p50 / b.o1000.p50).toFixed(1)}×`, ''],
    [
      'p99 at 1,000 req/s',
      `< ${TARGETS.p99At1000} ms`,
      msText(c.o1000.p99),
      msText(b.o1000.p99),
      `${(c.o1000.p99 / b.o1000.p99).toFixed(1)}×`,
      c.o1000.p99 < TARGETS.p99At1000 && clean(c.o1000) ? 'PASS' : 'MISS',
    ],
    ['max at 1,000 req/s', '', msText(c.o1000.max), msText(b.o1000.max), `${(c.o1000.max / b.o1000.max).toFixed(1)}×`, ''],
  ];
  const header: [string, string, string, string, string, string] = ['', 'target', 'companion', 'bare Fastify', 'companion ÷ bare', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`.trimEnd();
  console.log('');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  if (saturated(b.tp.phase) || saturated(c.tp.phase)) {
    console.log('  ≥: the load generator in this process used a whole core before that server did; its real ceiling is higher.');
  }
  console.log('');
  const verdict = storedTotal === companionTarget.ok && inFile.n === companionTarget.ok ? 'OK' : 'MISMATCH';
  console.log(
    `  stored events: ${int(storedTotal)} (events.list), ${int(inFile.n)} in companion.db after the stop, ${int(inFile.processed)} processed; ` +
      `successful companion requests: ${int(companionTarget.ok)}  ${verdict}`,
  );
  console.log(`  pushes: ${int(pool.pushes.length)} distinct events encrypted and signed here, in ${pool.buildSeconds.toFixed(1)} s, all between phases`);
  console.log(
    `  peak RSS: companion ${companionRss === null ? '—' : `${companionRss.toFixed(0)} MiB`}, bare Fastify ${bareRss === null ? '—' : `${bareRss.toFixed(0)} MiB`}; ` +
      `companion log ${(logBytes / 2 ** 20).toFixed(1)} MiB (${Math.round(logBytes / Math.max(1, companionTarget.ok))} bytes a push, level ${LOG_LEVEL})`,
  );
  if (CPU_PROF_DIR) console.log(`  CPU profile of the companion: ${fs.readdirSync(CPU_PROF_DIR).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(CPU_PROF_DIR, f)).join(', ')}`);
}

const tempRoot = benchTempRoot('creator-studio-bench-events-');
try {
  await main(tempRoot);
} catch (error) {
  for (const child of children) console.error(`--- ${child.name} log ---\n${tail(child.logFile)}`);
  throw error;
} finally {
  await Promise.all([...children].map(stopChild));
  fs.rmSync(tempRoot, { recursive: true, force: true });
}
