// The strace verdict on lines as onnxruntime 1.30's telemetry client produced them (captured with the switch
// removed; paths shortened): writes relative to a directory descriptor, calls split across threads, IPv4 and IPv6.
import { describe, expect, it } from 'vitest';
import { analyseTrace, joinCalls, splitArgs, unquote } from './syscall-trace';

const DIR = '/tmp';
const log = [
  '101 mkdir("/tmp/forbidden/cache/Microsoft", 0700) = 0',
  '101 openat(22</tmp/forbidden/cache/Microsoft/DeveloperTools/.onnxruntime>, "deviceid", O_RDONLY|O_NONBLOCK|O_NOFOLLOW|O_CLOEXEC) = -1 ENOENT (No such file or directory)',
  '101 openat(22</tmp/forbidden/cache/Microsoft/DeveloperTools/.onnxruntime>, "deviceid.tmp.98", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600) = 23</tmp/forbidden/cache/Microsoft/DeveloperTools/.onnxruntime/deviceid.tmp.98>',
  '101 linkat(22</tmp/forbidden/cache/Microsoft/DeveloperTools/.onnxruntime>, "deviceid.tmp.98", 22</tmp/forbidden/cache/Microsoft/DeveloperTools/.onnxruntime>, "deviceid", 0) = 0',
  '102 openat(AT_FDCWD</tmp>, "/etc/host.conf", O_RDONLY|O_CLOEXEC <unfinished ...>',
  '103 openat(AT_FDCWD</tmp>, "model/.radraft-x", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 18</tmp/model/.radraft-x>',
  '102 <... openat resumed>)             = 23</etc/host.conf>',
  '102 connect(23<socket:[69271]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16 <unfinished ...>',
  '102 <... connect resumed>)            = 0',
  '104 connect(5<socket:[1]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH (Network is unreachable)',
  '104 connect(6<socket:[2]>, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
  '104 openat(AT_FDCWD</tmp>, "/dev/null", O_RDWR|O_CLOEXEC) = 7</dev/null>',
].join('\n');

describe('analyseTrace', () => {
  const findings = analyseTrace(log, { allowed: [DIR], cwd: DIR });

  it('judges writes by the folder of their directory descriptor, not the bare name', () => {
    // A refused attempt has no resolved path in its result: the directory descriptor's folder decides.
    const attempt = '105 openat(9</proc/self>, "x", O_WRONLY|O_CREAT, 0600) = -1 EACCES (Permission denied)';
    expect(analyseTrace(attempt, { allowed: ['/proc'], cwd: DIR }).writes).toEqual([]);
    expect(analyseTrace(attempt, { allowed: [DIR], cwd: DIR }).writes).toEqual([attempt]);
    const strict = analyseTrace(log, { allowed: ['/proc'], cwd: DIR });
    expect(strict.writes.map((w) => /^\d+ (\w+)/.exec(w)?.[1])).toEqual(['mkdir', 'openat', 'linkat', 'openat']);
    // Under an allowed folder, the same calls pass; the read-only open of deviceid never counts.
    expect(findings.writes).toEqual([]);
  });

  it('joins calls split across threads and sees the resolver and the query', () => {
    expect(joinCalls(log).some((c) => c.startsWith('102 connect(23') && c.endsWith('= 0'))).toBe(true);
    expect(findings.resolver.map((r) => /"\/etc\/[^"]+"|htons\(53\)/.exec(r)?.[0])).toEqual(['"/etc/host.conf"', 'htons(53)']);
  });

  it('counts non-loopback addresses of either family as egress, loopback not', () => {
    expect(findings.egress).toHaveLength(2);
    expect(findings.egress.join('\n')).toMatch(/10\.255\.255\.53/);
    expect(findings.egress.join('\n')).toMatch(/2001:db8::1/);
    expect(findings.egress.join('\n')).not.toMatch(/"::1"/);
  });
});

describe('strict peers (the hospital integration)', () => {
  const calls = [
    '7 connect(21<socket:[1]>, {sa_family=AF_INET, sin_port=htons(4242), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)',
    '7 connect(22<socket:[2]>, {sa_family=AF_INET, sin_port=htons(9999), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
    '7 bind(23<socket:[3]>, {sa_family=AF_INET, sin_port=htons(11112), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
    '7 bind(24<socket:[4]>, {sa_family=AF_INET, sin_port=htons(11112), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
    '7 openat(AT_FDCWD</x>, "/etc/resolv.conf", O_RDONLY) = 25</etc/resolv.conf>',
    '7 openat(AT_FDCWD</x>, "/etc/hosts", O_RDONLY) = 26</etc/hosts>',
  ].join('\n');
  it('lets only the named peers and the listener\'s loopback port through, loopback included', () => {
    const found = analyseTrace(calls, { allowed: [DIR], cwd: DIR, peers: { connect: [{ host: '127.0.0.1', port: 4242 }], bind: [11112] } });
    expect(found.egress.map((e) => /htons\((\d+)\).*inet_addr\("([^"]+)"/.exec(e)?.slice(1).join('@'))).toEqual(['9999@127.0.0.1', '11112@0.0.0.0']);
  });
  it('lets the resolver configuration be read only when asked, and never /etc/hosts', () => {
    expect(analyseTrace(calls, { allowed: [DIR], cwd: DIR }).resolver).toHaveLength(2);
    const relaxed = analyseTrace(calls, { allowed: [DIR], cwd: DIR, allowResolverConfig: true }).resolver;
    expect(relaxed).toHaveLength(1);
    expect(relaxed[0]).toMatch(/\/etc\/hosts/);
  });
});

describe('strace argument parsing', () => {
  it('keeps quoted commas, brackets and path decorations whole', () => {
    expect(splitArgs('22</a,b>, "x, y", {sa_family=AF_INET, sin_port=htons(53)}, 0')).toEqual(['22</a,b>', '"x, y"', '{sa_family=AF_INET, sin_port=htons(53)}', '0']);
  });
  it('decodes C escapes to the bytes of a UTF-8 path', () => {
    expect(unquote('"/tmp/\\303\\251t\\303\\251\\"q\\\\"')).toBe('/tmp/été"q\\');
    expect(unquote('"\\x41\\n"')).toBe('A\n');
    expect(unquote('NULL')).toBeNull();
  });
});
