import { describe, expect, it } from 'vitest';
import { contract, events } from '../../../app/ipc/contract';
import { EVENT_CHANNELS, INVOKE_CHANNELS, isInvokeChannel } from '../../../app/ipc/channels';

describe('IPC contract', () => {
  it('has a schema pair for exactly the channels the preload allows', () => {
    expect(Object.keys(contract).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_CHANNELS].sort());
  });

  it('rejects unknown channels and malformed payloads', () => {
    expect(isInvokeChannel('fs:readFile')).toBe(false);
    expect(contract['report:sign'].request.safeParse({ studyInstanceUid: '1.2', signedBy: '   ' }).success).toBe(false);
    expect(contract['report:sign'].request.safeParse({ studyInstanceUid: '1.2', signedBy: 'Dr A' }).success).toBe(true);
    expect(contract['studies:openPaths'].request.safeParse({ paths: [] }).success).toBe(false);
  });
});
