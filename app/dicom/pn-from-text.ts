// A name as a clinician types it ("Dr Ada Lovelace", "Lovelace, Ada") → a DICOM Person Name (PS3.5 6.2.1:
// Family^Given^Middle^Prefix^Suffix), so a PACS shows and sorts the signer by family name.

const PREFIXES = new Set(['dr', 'dr.', 'prof', 'prof.', 'professor', 'mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'mx', 'mx.']);

export function personNameFromText(text: string): string {
  // '^', '=' and '\' delimit PN components, groups and values: they cannot be part of a typed name.
  const clean = text.replace(/[\^=\\]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (clean === '') return '';
  const comma = clean.indexOf(',');
  if (comma > 0) return trimEmpty([clean.slice(0, comma).trim(), clean.slice(comma + 1).trim()]);
  const words = clean.split(' ');
  const prefix: string[] = [];
  while (words.length > 1 && PREFIXES.has(words[0].toLowerCase())) prefix.push(words.shift() as string);
  const family = words.pop() ?? '';
  const given = words.shift() ?? '';
  return trimEmpty([family, given, words.join(' '), prefix.join(' ')]);
}

/** Trailing empty components are left out (PS3.5 6.2.1). */
function trimEmpty(components: string[]): string {
  while (components.length > 1 && components[components.length - 1] === '') components.pop();
  return components.join('^');
}

/** ISO timestamp (UTC) → DICOM DA, TM and DT values in UTC (PS3.5 6.2). */
export function dicomDateTime(iso: string): { da: string; tm: string; dt: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  if (!m) return { da: '', tm: '', dt: '' };
  const da = `${m[1]}${m[2]}${m[3]}`;
  const tm = `${m[4]}${m[5]}${m[6]}`;
  return { da, tm, dt: `${da}${tm}+0000` };
}
