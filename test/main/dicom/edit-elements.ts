// Byte edits of real files: replaces top-level string elements of an Explicit VR Little Endian Part 10 file
// (PS3.5 7.1.2) and leaves every other byte as it was, pixel data included. For tests that need a real image
// with another patient, a forged name or a second SOP instance.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDicom } from 'dicom-parser';

const SHORT_LENGTH_VRS = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US']);

/** Tag in dicom-parser's form ('x00100010') → new value (latin1). */
export type Edits = Record<string, string>;

export function editElements(bytes: Uint8Array, edits: Edits): Buffer {
  const dataSet = parseDicom(bytes, { untilTag: 'x7fe00010' });
  const changes = Object.entries(edits).map(([tag, value]) => {
    const el = dataSet.elements[tag];
    if (!el?.vr) throw new Error(`${tag} is not a top-level explicit VR element of this file`);
    const short = SHORT_LENGTH_VRS.has(el.vr);
    const padded = value.length % 2 ? value + (el.vr === 'UI' ? '\0' : ' ') : value;
    const head = Buffer.alloc(short ? 8 : 12);
    head.writeUInt16LE(parseInt(tag.slice(1, 5), 16), 0);
    head.writeUInt16LE(parseInt(tag.slice(5, 9), 16), 2);
    head.write(el.vr, 4, 'latin1');
    if (short) head.writeUInt16LE(padded.length, 6);
    else head.writeUInt32LE(padded.length, 8);
    return { start: el.dataOffset - head.length, end: el.dataOffset + el.length, replacement: Buffer.concat([head, Buffer.from(padded, 'latin1')]) };
  });
  let out = Buffer.from(bytes);
  for (const c of changes.sort((a, b) => b.start - a.start)) out = Buffer.concat([out.subarray(0, c.start), c.replacement, out.subarray(c.end)]);
  return out;
}

/** Writes a copy of `source` with `edits` applied to `target`. */
export function writeEdited(source: string, target: string, edits: Edits): void {
  writeFileSync(target, editElements(readFileSync(source), edits));
}
