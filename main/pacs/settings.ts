// The hospital integration's settings, kept versioned in the report database's settings table (key "pacs"). A stored
// value this version cannot read falls back to the defaults (listener off, no nodes) and says so once in the log.
import { defaultPacsSettings, PACS_SETTINGS_VERSION, PacsSettings } from '../../app/domain/pacs';

export const PACS_SETTINGS_KEY = 'pacs';

export interface SettingsAccess {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** Reads stored settings of any version this Radraft knows; anything else gives the defaults. */
export function readPacsSettings(raw: unknown): PacsSettings {
  if (raw === undefined || raw === null) return defaultPacsSettings();
  const version = (raw as { version?: unknown }).version;
  if (version !== PACS_SETTINGS_VERSION) {
    console.warn(`radraft: PACS settings of version ${String(version)} are not known to this version; using the defaults`);
    return defaultPacsSettings();
  }
  const parsed = PacsSettings.safeParse(raw);
  if (parsed.success) return parsed.data;
  console.warn(`radraft: the stored PACS settings could not be read (${parsed.error.issues[0]?.path.join('.') ?? 'format'}); using the defaults`);
  return defaultPacsSettings();
}

export class PacsSettingsStore {
  private cached: PacsSettings | null = null;

  constructor(private readonly access: SettingsAccess) {}

  get(): PacsSettings {
    this.cached ??= readPacsSettings(this.access.get(PACS_SETTINGS_KEY));
    return this.cached;
  }

  save(next: PacsSettings): PacsSettings {
    const clean = PacsSettings.parse(next);
    this.access.set(PACS_SETTINGS_KEY, clean);
    this.cached = clean;
    return clean;
  }

  update(change: (current: PacsSettings) => PacsSettings): PacsSettings {
    return this.save(change(structuredClone(this.get())));
  }
}
