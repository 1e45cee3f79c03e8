import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

// A real Dovecot IMAP server for integration tests, one private instance per call, started from
// a generated config in a fresh temp dir. config/dovecot/README.md explains the settings.

export const DOVECOT_BINARY = '/usr/sbin/dovecot';
const IMAP_BINARY = '/usr/lib/dovecot/imap';
const INSTALL_HINT = 'Dovecot is not installed: apt-get install dovecot-imapd';

export interface StartDovecotOptions {
  /** Dovecot master binary; only the harness's own tests point it elsewhere. */
  binary?: string;
  /** How long start() and restart() may take before failing with Dovecot's log. Default 20 s. */
  startTimeoutMs?: number;
  /** Appended verbatim to the generated config; a later setting overrides an earlier one. */
  extraConfig?: string;
}

export interface DovecotServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The instance's temp dir: config, log, maildirs, per-user passwd-files. Removed by stop(). */
  readonly dir: string;
  readonly logPath: string;
  /**
   * Creates the user, or changes the password of an existing one. The password may contain any
   * character (it is stored base64-encoded); the name is limited to Dovecot's default
   * auth_username_chars (ASCII letters, digits, `.-_@`).
   */
  addUser(name: string, password: string): Promise<void>;
  /** Deletes the login; the user's mail stays on disk until stop(). */
  removeUser(name: string): Promise<void>;
  /** Dovecot's log so far, for assertion messages and debugging. */
  readLog(): Promise<string>;
  /** Graceful shutdown (SIGTERM: clients get `* BYE`), then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /**
   * Graceful shutdown and start again on the same port with the same mail and users, for tests
   * of surviving an IMAP server restart. Open client connections are dropped by the shutdown.
   */
  restart(): Promise<void>;
}

// Dovecot's default auth_username_chars; anything else is refused by the login process anyway.
// A leading dot is refused here as well because the name is also a file name (no "..").
const USERNAME = /^[A-Za-z0-9_@-][A-Za-z0-9.\-_@]*$/;

// Instances that a test forgot to stop, or that outlive a crashed test file, are killed when the
// Jest worker exits so no Dovecot keeps a port and a temp dir after the run.
const live = new Set<DovecotInstance>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const instance of live) instance.killSync();
  });
}

export async function startDovecot(options: StartDovecotOptions = {}): Promise<DovecotServer> {
  const binary = options.binary ?? DOVECOT_BINARY;
  if (!existsSync(binary)) throw new Error(`${INSTALL_HINT} (${binary} not found)`);
  // dovecot-core alone has the master but not the IMAP server; its error would be a Fatal in the log.
  if (binary === DOVECOT_BINARY && !existsSync(IMAP_BINARY)) {
    throw new Error(`${INSTALL_HINT} (${IMAP_BINARY} not found)`);
  }
  const identity = processIdentity();
  // Dovecot creates unix sockets under base_dir and sun_path holds only 107 bytes: a long
  // TMPDIR (some CI runners have one) would fail with "Path too long" deep inside Dovecot.
  const tmp = os.tmpdir().length <= 40 ? os.tmpdir() : '/tmp';
  const dir = await fs.mkdtemp(path.join(tmp, 'madoguchi-dovecot-'));
  const instance = new DovecotInstance(binary, dir, identity, options);
  try {
    await instance.init();
    await instance.startOnFreePort();
  } catch (err) {
    await instance.stop().catch(() => undefined);
    throw err;
  }
  return instance;
}

interface Identity {
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  mailUid: number;
  mailGid: number;
  root: boolean;
}

// Dovecot refuses three things when run as root: imap-login as root ("This process must not be
// run as root"), mail access as root ("Mail access not allowed for root", not overridable),
// and uids/gids below first_valid_uid/gid (500/1 by default). So as root the internal processes
// run as the Debian package's system users `dovecot` and `dovenull`, and mail is stored as
// `dovecot` with first_valid_uid/gid lowered to exactly that account. As an ordinary user
// everything runs as that user: Dovecot cannot switch uid then anyway.
function processIdentity(): Identity {
  const me = os.userInfo();
  if (me.uid !== 0) {
    return {
      internalUser: me.username,
      internalGroup: idOf(['-gn']),
      loginUser: me.username,
      mailUid: me.uid,
      mailGid: me.gid,
      root: false,
    };
  }
  for (const account of ['dovecot', 'dovenull']) {
    try {
      idOf(['-u', account]);
    } catch {
      throw new Error(
        `Running as root needs the system user "${account}" that the Debian dovecot-core package ` +
          `creates (${INSTALL_HINT}), or run the tests as an ordinary user`,
      );
    }
  }
  return {
    internalUser: 'dovecot',
    internalGroup: idOf(['-gn', 'dovecot']),
    loginUser: 'dovenull',
    mailUid: Number(idOf(['-u', 'dovecot'])),
    mailGid: Number(idOf(['-g', 'dovecot'])),
    root: true,
  };
}

function idOf(args: string[]): string {
  return execFileSync('id', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function renderConfig(dir: string, port: number, id: Identity, extra: string): string {
  return `# Generated by test/support/dovecot.ts for one test instance; see config/dovecot/README.md.
# Written with -c, so nothing from /etc/dovecot is read.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = ${path.basename(dir)}
log_path = ${dir}/dovecot.log

ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0

default_internal_user = ${id.internalUser}
default_internal_group = ${id.internalGroup}
default_login_user = ${id.loginUser}
mail_uid = ${id.mailUid}
mail_gid = ${id.mailGid}
first_valid_uid = ${id.mailUid}
first_valid_gid = ${id.mailGid}

mail_location = maildir:${dir}/mail/%u
mail_fsync = never
mailbox_idle_check_interval = 1 secs

namespace inbox {
  inbox = yes
  mailbox Drafts {
    auto = subscribe
    special_use = \\Drafts
  }
  mailbox Sent {
    auto = subscribe
    special_use = \\Sent
  }
  mailbox Junk {
    auto = subscribe
    special_use = \\Junk
  }
  mailbox Trash {
    auto = subscribe
    special_use = \\Trash
  }
}

passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/users/%u
}
userdb {
  driver = passwd-file
  args = ${dir}/users/%u
}

protocol imap {
  mail_max_userip_connections = 100
}

service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}

service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

service ipc {
  chroot =
}
${extra}
`;
}

class DovecotInstance implements DovecotServer {
  readonly host = '127.0.0.1' as const;
  port = 0;
  readonly logPath: string;
  private readonly configPath: string;
  private readonly usersDir: string;
  private readonly timeoutMs: number;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  private stopped = false;

  constructor(
    private readonly binary: string,
    readonly dir: string,
    private readonly identity: Identity,
    private readonly options: StartDovecotOptions,
  ) {
    this.logPath = path.join(dir, 'dovecot.log');
    this.configPath = path.join(dir, 'dovecot.conf');
    this.usersDir = path.join(dir, 'users');
    this.timeoutMs = options.startTimeoutMs ?? 20_000;
  }

  async init(): Promise<void> {
    // mkdtemp makes the dir 0700, but the auth process (internal user) reads the passwd-files
    // and the imap processes (mail uid) write the maildirs below it.
    await fs.chmod(this.dir, 0o711);
    await fs.mkdir(this.usersDir, { mode: 0o755 });
    await fs.chmod(this.usersDir, 0o755);
    const mailDir = path.join(this.dir, 'mail');
    await fs.mkdir(mailDir, { mode: 0o700 });
    if (this.identity.root) await fs.chown(mailDir, this.identity.mailUid, this.identity.mailGid);
  }

  async startOnFreePort(): Promise<void> {
    // The port is free when probed but another process (a parallel Jest worker) can take it
    // before Dovecot binds: then Dovecot dies with "Address already in use" and we try another.
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      try {
        await this.launch();
        return;
      } catch (err) {
        if (attempt >= 5 || !/Address already in use/.test(String(err))) throw err;
      }
    }
  }

  async addUser(name: string, password: string): Promise<void> {
    this.assertRunning('addUser');
    if (!USERNAME.test(name)) {
      throw new Error(`addUser: "${name}" is not a valid IMAP user name for this harness (${USERNAME})`);
    }
    const file = path.join(this.usersDir, name);
    const previous = await fs.stat(file).catch(() => undefined);
    // {PLAIN.b64}: the passwd-file format is colon-separated, so a password with ":" (or any
    // non-ASCII character) would break the line; base64 sidesteps quoting entirely.
    const line = `${name}:{PLAIN.b64}${Buffer.from(password, 'utf8').toString('base64')}::::::\n`;
    await writeAtomically(file, line);
    if (previous) {
      // A password change. Dovecot re-reads a passwd-file when its mtime (whole seconds) or
      // size changed, and stats it at most once per second: set an mtime that surely differs
      // and let the current second pass, or a login right now may still see the old password.
      const mtime = Math.max(Math.floor(Date.now() / 1000), Math.floor(previous.mtimeMs / 1000) + 1);
      await fs.utimes(file, mtime, mtime);
      await untilNextSecond();
    }
    // A new user needs no wait: each user has a file of their own (passdb args contain %u) and
    // Dovecot opens a file it has not seen before, or that was missing last time, afresh.
  }

  async removeUser(name: string): Promise<void> {
    this.assertRunning('removeUser');
    if (!USERNAME.test(name)) throw new Error(`removeUser: invalid user name "${name}"`);
    await fs.rm(path.join(this.usersDir, name), { force: true });
    // Same once-per-second stat as for a password change.
    await untilNextSecond();
  }

  async readLog(): Promise<string> {
    return fs.readFile(this.logPath, 'utf8').catch(() => '');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.terminate();
    } finally {
      live.delete(this);
      await fs.rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
  }

  async restart(): Promise<void> {
    this.assertRunning('restart');
    await this.terminate();
    await waitForPortFree(this.port, this.timeoutMs);
    await this.launch();
  }

  killSync(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
    }
    // No time to wait for the master here, so every process of the instance gets its SIGTERM now.
    signalAll(this.processTag, 'SIGTERM');
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // best effort at process exit: Dovecot may still be writing its log
    }
  }

  private assertRunning(what: string): void {
    if (this.stopped) throw new Error(`${what}: this Dovecot instance has been stopped`);
  }

  private async launch(): Promise<void> {
    await fs.writeFile(
      this.configPath,
      renderConfig(this.dir, this.port, this.identity, this.options.extraConfig ?? ''),
    );
    const logStart = (await fs.stat(this.logPath).catch(() => undefined))?.size ?? 0;
    this.output = '';
    // Not detached: Ctrl-C on the test run reaches Dovecot through the process group too.
    const child = spawn(this.binary, ['-F', '-c', this.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(this);
    installExitHook();
    let exitInfo: string | undefined;
    let spawnError: Error | undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
        resolve();
      });
      child.once('error', (err) => {
        spawnError = err;
        exitInfo = `could not be started: ${err.message}`;
        resolve();
      });
    });
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);

    const deadline = Date.now() + this.timeoutMs;
    let lastProblem = 'no connection attempt yet';
    for (;;) {
      if (exitInfo !== undefined) {
        live.delete(this);
        throw new Error(await this.startFailure(`Dovecot died at start (${exitInfo})`, logStart, spawnError));
      }
      const log = (await this.readLog()).slice(logStart);
      if (/\bFatal: /.test(log)) {
        await this.terminate();
        throw new Error(await this.startFailure('Dovecot reported a fatal error at start', logStart));
      }
      try {
        const greeting = await readGreeting(this.host, this.port, 2_000);
        if (greeting.startsWith('* OK')) return;
        lastProblem = `unexpected greeting ${JSON.stringify(greeting)}`;
      } catch (err) {
        lastProblem = (err as Error).message;
      }
      if (Date.now() > deadline) {
        await this.terminate();
        throw new Error(
          await this.startFailure(
            `Dovecot did not greet on 127.0.0.1:${this.port} within ${this.timeoutMs} ms (${lastProblem})`,
            logStart,
          ),
        );
      }
      await sleep(50);
    }
  }

  private async startFailure(headline: string, logStart: number, cause?: Error): Promise<string> {
    const log = (await this.readLog()).slice(logStart).trim();
    const output = this.output.trim();
    const hint = cause && (cause as NodeJS.ErrnoException).code === 'ENOENT' ? `\n${INSTALL_HINT}` : '';
    // The temp dir is gone by the time anyone reads this, so quote the line a config error names.
    const lineNumber = /dovecot\.conf line (\d+)/.exec(output + log)?.[1];
    const configLine = lineNumber
      ? `\nconfig line ${lineNumber}: ${
          (await fs.readFile(this.configPath, 'utf8').catch(() => '')).split('\n')[Number(lineNumber) - 1]
        }`
      : '';
    return (
      `${headline}${hint}${configLine}` +
      `\n--- dovecot stdout/stderr ---\n${output || '(empty)'}` +
      `\n--- ${this.logPath} ---\n${log || '(empty)'}`
    );
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const stoppedInTime = await settlesWithin(this.exited, 10_000);
      if (!stoppedInTime) {
        child.kill('SIGKILL');
        await this.exited;
      }
    }
    // Seen with 2.3.19 despite shutdown_clients=yes: once the master has exited on SIGTERM, an
    // imap process serving a logged-in client keeps running and serving it (with the log and
    // stats processes). Packaged Dovecot runs under systemd, which kills the whole cgroup.
    // Without this sweep a client would stay connected to the old server across restart(), so
    // a "server restart" test would prove nothing. SIGTERM makes them send "* BYE" first.
    await sweep(this.processTag);
    this.child = undefined;
    live.delete(this);
  }

  /** Dovecot titles its processes "dovecot-<instance_name>/<service>"; the name is the unique dir name. */
  private get processTag(): string {
    return `${path.basename(this.dir)}/`;
  }
}

// The processes of one instance, found by the instance name in their /proc cmdline (the process
// title Dovecot sets, and the config path in the master's). Linux only; elsewhere none are found.
function processesOf(tag: string, which: 'all' | 'except-log' = 'all'): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      const at = cmdline.indexOf(tag);
      if (at < 0) continue;
      const service = cmdline.slice(at + tag.length).split(/[\0\s]/)[0];
      if (which === 'except-log' && service === 'log') continue;
      pids.push(Number(entry));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids;
}

function signalAll(tag: string, signal: NodeJS.Signals, which: 'all' | 'except-log' = 'all'): number[] {
  const pids = processesOf(tag, which);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  return pids;
}

async function sweep(tag: string): Promise<void> {
  // The log process last, so the imap processes' goodbyes still reach dovecot.log.
  for (const which of ['except-log', 'all'] as const) {
    if (signalAll(tag, 'SIGTERM', which).length === 0) continue;
    const deadline = Date.now() + 3_000;
    while (processesOf(tag, which).length > 0) {
      if (Date.now() > deadline) {
        signalAll(tag, 'SIGKILL', which);
        break;
      }
      await sleep(25);
    }
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  // Dovecot must never read a half-written passwd-file; a rename is atomic.
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.writeFile(tmp, content, { mode: 0o644 });
  await fs.chmod(tmp, 0o644);
  await fs.rename(tmp, file);
}

async function untilNextSecond(): Promise<void> {
  // 50 ms margin: Dovecot's clock is the time its ioloop last woke up, not the current time.
  await sleep(1000 - (Date.now() % 1000) + 50);
}

// Clears its timer either way: a pending 10 s timer would hold the Jest worker open.
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPortFree(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) return;
    if (Date.now() > deadline)
      throw new Error(`port ${port} still in use ${timeoutMs} ms after Dovecot stopped`);
    await sleep(100);
  }
}

/** Connects, reads the first line and logs out politely (a bare disconnect is logged as an error by some servers). */
function readGreeting(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffer = '';
    let settled = false;
    const finish = (err: Error | undefined, line?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        socket.end('x LOGOUT\r\n');
        socket.resume();
        resolve(line ?? '');
      }
    };
    const timer = setTimeout(() => finish(new Error(`no greeting within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\r\n');
      if (end >= 0) finish(undefined, buffer.slice(0, end));
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('connection closed before the greeting')));
  });
}

/**
 * A connected, logged-in imapflow client. Always use this (or add an 'error' listener yourself):
 * ImapFlow is an EventEmitter, and an 'error' event without a listener — a socket timeout, the
 * server restarting under it — is thrown and kills the Jest worker. Failures still reach the
 * caller through the rejected promise of whatever command was running.
 */
export async function connectImap(
  server: Pick<DovecotServer, 'host' | 'port'>,
  user: string,
  password: string,
  options: Partial<ImapFlowOptions> = {},
): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user, pass: password },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    ...options,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export interface AppendedMessage {
  uid: number;
  uidValidity: bigint;
  mailbox: string;
}

/**
 * APPENDs a raw message as `user`, creating the mailbox if needed, and returns its UID. Dovecot
 * stores maildir files with LF line ends and sends CRLF on FETCH, so pass CRLF line ends if the
 * test compares the fetched bytes with these.
 */
export async function appendMessage(
  server: Pick<DovecotServer, 'host' | 'port'>,
  user: string,
  password: string,
  mailbox: string,
  rawMessage: Buffer | string,
  flags: string[] = [],
  internalDate?: Date,
): Promise<AppendedMessage> {
  const client = await connectImap(server, user, password, { disableAutoIdle: true });
  try {
    if (mailbox.toUpperCase() !== 'INBOX') await client.mailboxCreate(mailbox);
    const result = await client.append(mailbox, rawMessage, flags, internalDate);
    if (!result || result.uid === undefined || result.uidValidity === undefined) {
      throw new Error(`APPEND to ${mailbox} returned no APPENDUID: ${JSON.stringify(result)}`);
    }
    return { uid: result.uid, uidValidity: result.uidValidity, mailbox: result.destination };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
