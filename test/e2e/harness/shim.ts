// The e2e stand-in for main/preload.ts: defines `window.radraft` (the same RadraftBridge) over fetch and
// EventSource to the harness server. Injected with page.addInitScript, so it is serialised as source text and must
// not reference anything outside its own body.
import type { RadraftBridge } from '../../../app/ipc/contract';

export interface ShimOptions {
  /** Base URL of the harness server. */
  base: string;
}

export function installBridge(options: ShimOptions): void {
  const TAG = '$bytes';
  const toBase64 = (bytes: Uint8Array): string => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const fromBase64 = (b64: string): Uint8Array => {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  };
  const encode = (value: unknown): string =>
    JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? { [TAG]: toBase64(v) } : v));
  const decode = (text: string): unknown =>
    JSON.parse(text, (_k, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o);
        if (keys.length === 1 && keys[0] === TAG && typeof o[TAG] === 'string') return fromBase64(o[TAG] as string);
      }
      return v;
    });

  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  let source: EventSource | null = null;
  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`${options.base}/events`);
    source.onmessage = (msg: MessageEvent<string>) => {
      const { event, payload } = decode(msg.data) as { event: string; payload: unknown };
      for (const l of listeners.get(event) ?? []) l(payload);
    };
  };

  const bridge = {
    async invoke(channel: string, request: unknown): Promise<unknown> {
      const res = await fetch(`${options.base}/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: encode(request),
      });
      const body = decode(await res.text()) as { ok: true; value: unknown } | { ok: false; message: string };
      if (!body.ok) throw new Error(body.message);
      return body.value;
    },
    on(event: string, listener: Listener): () => void {
      ensureSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    /** Electron reads a dropped file's path from the OS; here the test names the paths it drops. */
    pathForFile(file: File): string {
      const table = (window as unknown as { __e2eDropPaths?: Record<string, string> }).__e2eDropPaths ?? {};
      return table[file.name] ?? '';
    },
  };
  Object.defineProperty(window, 'radraft', { value: Object.freeze(bridge as unknown as RadraftBridge), writable: false, configurable: false });
}
