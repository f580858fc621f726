import { describe, expect, it } from 'vitest';
import { cleanRemoteMessage, toApiError } from '../../renderer/src/lib/api';
import { encodeIpcError } from '../../app/ipc/errors';

describe('renderer API client errors', () => {
  it('decodes the typed error main encodes, through Electron’s prefix', () => {
    const err = new Error(`Error invoking remote method 'report:save': Error: ${encodeIpcError({ code: 'conflict', message: 'Someone else changed this report.' })}`);
    const api = toApiError('report:save', err);
    expect(api.code).toBe('conflict');
    expect(api.message).toBe('Someone else changed this report.');
    expect(api.channel).toBe('report:save');
  });

  it('keeps an unknown error readable', () => {
    expect(toApiError('studies:list', new Error('boom')).message).toBe('boom');
    expect(cleanRemoteMessage("Error invoking remote method 'x': TypeError: bad")).toBe('bad');
  });
});
