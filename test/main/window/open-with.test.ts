import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PendingOpens, pathsFromArgv } from '../../../main/window/open-with';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'radraft-open-with-'));
  writeFileSync(join(dir, 'chest.dcm'), 'x');
  mkdirSync(join(dir, 'study'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pathsFromArgv', () => {
  it('keeps existing files and folders after the executable, resolved against the launch folder', () => {
    const argv = ['/opt/Radraft/radraft', 'chest.dcm', join(dir, 'study'), 'missing.dcm'];
    expect(pathsFromArgv(argv, 1, dir)).toEqual([join(dir, 'chest.dcm'), join(dir, 'study')]);
  });

  it('skips the app folder of an unpackaged run and the switches Chromium adds to a second instance', () => {
    const argv = ['/usr/bin/electron', '.', '--allow-file-access-from-files', '--original-process-start-time=1', 'chest.dcm'];
    expect(pathsFromArgv(argv, 2, dir)).toEqual([join(dir, 'chest.dcm')]);
  });

  it('gives nothing for a plain start', () => {
    expect(pathsFromArgv(['/opt/Radraft/radraft'], 1, dir)).toEqual([]);
  });
});

describe('PendingOpens', () => {
  it('tells the window when paths arrive and hands each path over once', () => {
    let told = 0;
    const pending = new PendingOpens(() => told++);
    pending.add([]);
    expect(told).toBe(0);
    pending.add(['/a.dcm']);
    pending.add(['/b.dcm', '/c']);
    expect(told).toBe(2);
    expect(pending.take()).toEqual(['/a.dcm', '/b.dcm', '/c']);
    expect(pending.take()).toEqual([]);
  });
});
