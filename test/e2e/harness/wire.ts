// JSON for the e2e transport. Structured clone (Electron IPC) carries Uint8Array natively; JSON does not, so byte
// arrays travel as {"$bytes": "<base64>"} and come back as Uint8Array on the other side. The browser half of this
// encoding lives in shim.ts (it must be self-contained to be injected).

const TAG = '$bytes';

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { [TAG]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  if (text.trim() === '') return undefined;
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === TAG && typeof o[TAG] === 'string') return new Uint8Array(Buffer.from(o[TAG], 'base64'));
    }
    return v;
  });
}
