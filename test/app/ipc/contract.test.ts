import { describe, expect, it } from 'vitest';
import { contract, events } from '../../../app/ipc/contract';
import { EVENT_CHANNELS, INVOKE_CHANNELS, isInvokeChannel } from '../../../app/ipc/channels';
import { emptySections } from '../../../app/domain/report';

describe('IPC contract', () => {
  it('has a schema pair for exactly the channels the preload allows', () => {
    expect(Object.keys(contract).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_CHANNELS].sort());
  });

  it('rejects unknown channels and malformed payloads', () => {
    expect(isInvokeChannel('fs:readFile')).toBe(false);
    const sign = { studyInstanceUid: '1.2', signedBy: 'Dr A', sections: emptySections(), baseRevision: 3, accept: ['findings'] };
    expect(contract['report:sign'].request.safeParse({ ...sign, signedBy: '   ' }).success).toBe(false);
    expect(contract['report:sign'].request.safeParse(sign).success).toBe(true);
    // A signature names the text and revision it signs, and which AI sections were accepted.
    expect(contract['report:sign'].request.safeParse({ studyInstanceUid: '1.2', signedBy: 'Dr A' }).success).toBe(false);
    expect(contract['report:sign'].request.safeParse({ ...sign, accept: ['everything'] }).success).toBe(false);
    // A signer name that would write lines of its own into the export is refused with a message that says why,
    // for the report and for an addendum.
    const forged = contract['report:sign'].request.safeParse({ ...sign, signedBy: 'Dr A\r\nIMPRESSION: No acute findings.' });
    expect(forged.success).toBe(false);
    expect(forged.error?.issues[0].message).toMatch(/one line/);
    expect(contract['report:sign'].request.safeParse({ ...sign, signedBy: 'Dr A\u2028B' }).success).toBe(false);
    expect(contract['report:signAddendum'].request.safeParse({ studyInstanceUid: '1.2', signedBy: 'Dr A\nB', text: 'x', baseRevision: 1 }).success).toBe(false);
    expect(contract['studies:openPaths'].request.safeParse({ paths: [] }).success).toBe(false);
  });
});
