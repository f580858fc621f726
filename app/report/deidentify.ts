// Scrubs a report's text for a de-identified copy (the training-data export): the patient's name components, IDs and
// every date are replaced by XXXX, the placeholder the Indiana University de-identified reports use. Pure; the caller
// supplies the identifiers it knows (study record, DICOM header).

export const PLACEHOLDER = 'XXXX';

export interface Identifiers {
  /** Person Names as stored (PS3.5 6.2: "Family^Given^Middle^Prefix^Suffix") or as written. */
  names: readonly string[];
  /** Patient ID, accession number, other identifiers: replaced wherever they occur. */
  ids: readonly string[];
}

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DATE_PATTERNS = [
  /\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b/g, // 2026-12-03, 2026/12/3
  /\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b/g, // 03/12/2026, 12-3-26
  /\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b/g, // DICOM DA 20261203
  new RegExp(`\\b${MONTH}\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}\\b`, 'gi'), // December 3, 2026
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)? (?:of )?${MONTH}\\.?,? \\d{4}\\b`, 'gi'), // 3 Dec 2026
  new RegExp(`\\b${MONTH}\\.? \\d{4}\\b`, 'gi'), // Dec 2026
  /\b\d{1,2}[-/.]\d{1,2}\b(?=\s*(?:at|,)?\s*\d{1,2}:\d{2})/g, // 12/3 at 10:30
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Name components worth replacing: 2+ letters, from "^"-separated PN values or plain text. */
function nameParts(names: readonly string[]): string[] {
  const parts = new Set<string>();
  for (const name of names) {
    for (const part of name.split(/[\^,=]+|\s+/)) {
      const p = part.trim().replace(/\.$/, '');
      if (p.length >= 2 && /\p{L}/u.test(p)) parts.add(p);
    }
  }
  // Longest first, so "Anne-Marie" goes before "Anne".
  return [...parts].sort((a, b) => b.length - a.length);
}

export function scrubText(text: string, identifiers: Identifiers): string {
  let out = text;
  for (const id of [...identifiers.ids].filter((i) => i.trim().length >= 2).sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escape(id.trim())}(?![\\p{L}\\p{N}])`, 'giu'), PLACEHOLDER);
  }
  for (const part of nameParts(identifiers.names)) {
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escape(part)}(?![\\p{L}\\p{N}])`, 'giu'), PLACEHOLDER);
  }
  for (const pattern of DATE_PATTERNS) out = out.replace(pattern, PLACEHOLDER);
  return out;
}
