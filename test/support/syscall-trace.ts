// Runs a command under Debian's strace and judges what its processes and threads did at the system-call level:
// connections and datagrams leaving the machine, name resolution, and files created or changed outside the folders
// the command may write. The kernel's view, so native code (onnxruntime's telemetry client) cannot hide from it.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Findings {
  /** connect/sendto/sendmsg/bind to an address other than loopback. */
  egress: string[];
  /** Any sign of name resolution: port 53, the resolver's and NSS's files, nscd or systemd-resolved. */
  resolver: string[];
  /** Files or folders created, written, renamed, removed or re-stamped outside the allowed folders. */
  writes: string[];
}

export interface TraceResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** strace's log (one line per system call, every thread). */
  log: string;
}

export function straceAvailable(): boolean {
  return spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Runs `command` under `strace -f` (threads and child processes), writing its log to `logFile`. */
export function traced(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; logFile: string; timeoutMs: number }): Promise<TraceResult> {
  // -y: file descriptors with the path they refer to (openat(22</dir>, "name")), so *at calls resolve; -s: whole paths.
  const straceArgs = ['-f', '-y', '-qq', '-s', '4096', '-e', 'trace=%file,%network', '-e', 'signal=none', '-o', opts.logFile, command, ...args];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('strace', straceArgs, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, log: readFileSync(opts.logFile, 'utf8') });
    });
  });
}

/** One finished system call: strace splits calls that block into `<unfinished ...>` and `<... resumed>` lines. */
export function joinCalls(log: string): string[] {
  const pending = new Map<string, string>();
  const calls: string[] = [];
  for (const line of log.split('\n')) {
    const m = /^(\d+) +(.*)$/.exec(line);
    if (!m) continue;
    const [, pid, rest] = m;
    if (rest.endsWith('<unfinished ...>')) {
      pending.set(pid, rest.slice(0, -'<unfinished ...>'.length).trimEnd());
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(rest);
    if (resumed) {
      const start = pending.get(pid);
      pending.delete(pid);
      if (start !== undefined) calls.push(`${pid} ${start}${resumed[1]}`);
      continue;
    }
    calls.push(`${pid} ${rest}`);
  }
  return calls;
}

/** Splits strace's argument list at top-level commas (quotes, brackets and `<path>` decorations kept whole). */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      current += ch;
      if (ch === '\\') current += text[++i] ?? '';
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if ('([{<'.includes(ch)) depth++;
    else if (')]}>'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') args.push(current.trim());
  return args;
}

/** The text of a strace string literal ("..." with C escapes), or null when the argument is not one. */
export function unquote(arg: string): string | null {
  const m = /^"((?:[^"\\]|\\.)*)"(?:\.\.\.)?$/s.exec(arg);
  if (!m) return null;
  const bytes: number[] = [];
  const body = m[1];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[++i];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '\\': 92, '"': 34 };
    if (next in simple) bytes.push(simple[next]);
    else if (next === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))?.[0] ?? '0';
      bytes.push(parseInt(oct, 8));
      i += oct.length - 1;
    } else bytes.push(...Buffer.from(next, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The path a `-y` decoration names: `3</tmp/x>` or `AT_FDCWD</cwd>`. */
function decoration(arg: string): string | null {
  return /<([^<>]*)>$/.exec(arg)?.[1] ?? null;
}

/** Absolute path of a path argument, relative to a dirfd argument (or the working directory). */
function absolute(pathArg: string | undefined, dirArg: string | undefined, cwd: string): string | null {
  if (pathArg === undefined || pathArg === 'NULL') return dirArg ? decoration(dirArg) : null;
  const path = unquote(pathArg);
  if (path === null) return null;
  if (path.startsWith('/')) return resolve(path);
  const base = (dirArg ? decoration(dirArg) : null) ?? cwd;
  return resolve(join(base, path));
}

const WRITE_FLAGS = /\b(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|O_TMPFILE)\b/;

/** Paths a call creates or changes: [path argument index, dirfd argument index or -1]. */
const CHANGES: Record<string, [number, number][]> = {
  creat: [[0, -1]],
  mkdir: [[0, -1]],
  mkdirat: [[1, 0]],
  rename: [[0, -1], [1, -1]],
  renameat: [[1, 0], [3, 2]],
  renameat2: [[1, 0], [3, 2]],
  link: [[1, -1]],
  linkat: [[3, 2]],
  symlink: [[1, -1]],
  symlinkat: [[2, 1]],
  unlink: [[0, -1]],
  unlinkat: [[1, 0]],
  rmdir: [[0, -1]],
  truncate: [[0, -1]],
  chmod: [[0, -1]],
  fchmodat: [[1, 0]],
  fchmodat2: [[1, 0]],
  chown: [[0, -1]],
  lchown: [[0, -1]],
  fchownat: [[1, 0]],
  mknod: [[0, -1]],
  mknodat: [[1, 0]],
  utime: [[0, -1]],
  utimes: [[0, -1]],
  utimensat: [[1, 0]],
  futimesat: [[1, 0]],
  setxattr: [[0, -1]],
  lsetxattr: [[0, -1]],
  removexattr: [[0, -1]],
  lremovexattr: [[0, -1]],
};

/** Files and sockets only the resolver (glibc's getaddrinfo, NSS, nscd, systemd-resolved) touches. */
const RESOLVER_PATHS = /^(\/etc\/(resolv\.conf|nsswitch\.conf|hosts|host\.conf|gai\.conf)|\/(var\/)?run\/nscd\/.*|\/run\/systemd\/resolve\/.*)$/;
/**
 * The resolver's configuration alone. Node's dns module reads it when it loads (c-ares sets up its channel), and
 * net.Server.listen with a host loads it even for an IP literal; no name is looked up until /etc/hosts, gai.conf,
 * nscd, systemd-resolved or port 53 is used, which stay findings.
 */
const RESOLVER_CONFIG = /^\/etc\/(resolv\.conf|nsswitch\.conf)$/;

/** Device files any process may write (a terminal, the null device). */
const DEVICES = /^\/dev\/(null|tty|ptmx|pts\/\d+)$/;

/** An allowed peer's host against the address in the trace (IPv4-mapped IPv6 written either way). */
function sameAddress(host: string, address: string): boolean {
  return host === address || `::ffff:${host}` === address;
}

function isLoopback(family: string, address: string): boolean {
  if (family === 'AF_INET') return address.startsWith('127.');
  return address === '::1' || /^::ffff:127\./.test(address);
}

/** Where a process may connect and listen, loopback included: anything else is egress (strict mode). */
export interface AllowedPeers {
  /** Addresses connect() and sendto() may name. */
  connect: Array<{ host: string; port: number }>;
  /** Ports bind() may take (the app's own DICOM listener). */
  bind: number[];
}

/**
 * Judges a strace log. `allowed`: folders the command may write in (resolved through symlinks, as the kernel
 * reports opened files); `cwd`: where relative paths of calls without a directory descriptor start. With `peers`,
 * loopback is no longer free: every connection and bound port must be one of them. `allowResolverConfig`: reading
 * resolv.conf and nsswitch.conf alone is not a finding (see RESOLVER_CONFIG).
 */
export function analyseTrace(log: string, opts: { allowed: string[]; cwd: string; peers?: AllowedPeers; allowResolverConfig?: boolean }): Findings {
  const roots = opts.allowed.map((p) => realpathSync(p));
  const inside = (path: string): boolean => DEVICES.test(path) || roots.some((r) => path === r || path.startsWith(`${r}/`));
  const findings: Findings = { egress: [], resolver: [], writes: [] };
  for (const call of joinCalls(log)) {
    const m = /^\d+ (\w+)\((.*)\) += (.*)$/s.exec(call);
    if (!m) continue;
    const [, name, argText, result] = m;
    const args = splitArgs(argText);

    // Resolution: a resolver file named by any call (open, stat, access, inotify, a unix socket address).
    for (const s of argText.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      const text = unquote(`"${s[1]}"`);
      if (text !== null && RESOLVER_PATHS.test(text) && !(opts.allowResolverConfig && RESOLVER_CONFIG.test(text))) findings.resolver.push(call);
    }

    // Network: every address a socket is pointed at or sends to.
    if (['connect', 'sendto', 'sendmsg', 'sendmmsg', 'bind'].includes(name)) {
      for (const a of argText.matchAll(/sa_family=(AF_\w+)(.*?)\}/g)) {
        const [, family, rest] = a;
        const port = /sin6?_port=htons\((\d+)\)/.exec(rest)?.[1];
        const address = /inet_addr\("([^"]+)"\)/.exec(rest)?.[1] ?? /inet_pton\(AF_INET6, "([^"]+)"/.exec(rest)?.[1];
        if (port === '53') findings.resolver.push(call);
        const inet = (family === 'AF_INET' || family === 'AF_INET6') && address !== undefined;
        if (inet && opts.peers) {
          const p = Number(port);
          const permitted =
            name === 'bind' ? opts.peers.bind.includes(p) && isLoopback(family, address) : opts.peers.connect.some((peer) => peer.port === p && sameAddress(peer.host, address));
          if (!permitted) findings.egress.push(call);
        } else if (inet && !isLoopback(family, address)) findings.egress.push(call);
        if (family === 'AF_PACKET') findings.egress.push(call);
      }
    }

    // Files: opened for writing, or created, renamed, removed or changed by path.
    const changed: (string | null)[] = [];
    if (name === 'open' || name === 'openat' || name === 'openat2') {
      const [dirArg, pathArg, flags] = name === 'open' ? [undefined, args[0], args[1]] : [args[0], args[1], args[2]];
      if (flags !== undefined && WRITE_FLAGS.test(flags)) {
        // The kernel's own name for what was opened (symlinks resolved), else the path as requested.
        changed.push(/^\d+<(.*?)>(?: |$)/.exec(result)?.[1] ?? absolute(pathArg, dirArg, opts.cwd));
      }
    }
    for (const [pathIndex, dirIndex] of CHANGES[name] ?? []) changed.push(absolute(args[pathIndex], dirIndex >= 0 ? args[dirIndex] : undefined, opts.cwd));
    if (changed.some((p) => p !== null && !inside(p))) findings.writes.push(call);
  }
  return findings;
}

/**
 * Runs `command` and kills it with SIGKILL at its first call of any of `syscalls`, before the call takes effect:
 * a deterministic stand-in for a crash or power cut at that exact point. Returns the exit signal.
 */
export function killedAtSyscall(syscalls: string[], command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): NodeJS.Signals | null {
  // `?name`: a call this architecture lacks (aarch64 has no plain rename) is ignored rather than an error.
  const set = syscalls.map((s) => `?${s}`).join(',');
  const run = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${set}`, '-e', `inject=${set}:error=EIO:signal=SIGKILL`, command, ...args], { ...opts, encoding: 'utf8' });
  // strace reports the traced process's death by SIGKILL as its own.
  return run.signal ?? (run.status === 137 ? 'SIGKILL' : null);
}
