// `radraft inspect FILE [--json]`: identifiers, image attributes and stored-value statistics of one DICOM file.
// Undecodable input: exit code 1 and one line on stderr saying what is wrong.
import { createHash } from 'node:crypto';
import { oneLine } from '../../../app/text/one-line';
import type { CliCommand } from '../command';
import { parseCliArgs } from '../cli-args';
import { decodeFile, DicomError, type DecodedImage } from '../../dicom/index';

const USAGE = 'usage: radraft inspect FILE [--json]';

export interface InspectOutput {
  file: string;
  patientName: string;
  patientId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  studyDate: string;
  studyDescription: string;
  accessionNumber: string;
  modality: string;
  viewPosition: string;
  viewPositionSource: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  transferSyntaxUid: string;
  transferSyntax: string;
  photometricInterpretation: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  window: { center: number; width: number } | null;
  windows: { center: number; width: number; explanation?: string }[];
  voiLutFunction: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  pixelSpacing: [number, number] | null;
  pixelSpacingSource: string;
  /** sha256 over the little-endian bytes of the first frame's stored values (uint8, (u)int16 or (u)int32). */
  pixelSha256: string;
  min: number;
  max: number;
  mean: number;
  /** Only when the codestream is not the one the transfer syntax names: what it is and how it was decoded. */
  codestreamMismatch?: string;
}

export function describeImage(file: string, d: DecodedImage): InspectOutput {
  const h = d.header;
  const p = d.pixels;
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += p[i];
  return {
    file,
    patientName: h.patientName,
    patientId: h.patientId,
    studyInstanceUid: h.studyInstanceUid,
    seriesInstanceUid: h.seriesInstanceUid,
    sopInstanceUid: h.sopInstanceUid,
    studyDate: h.studyDate,
    studyDescription: h.studyDescription,
    accessionNumber: h.accessionNumber,
    modality: h.modality,
    viewPosition: h.viewPosition,
    viewPositionSource: h.viewPositionSource,
    rows: h.rows,
    columns: h.columns,
    frames: h.frames,
    samplesPerPixel: h.samplesPerPixel,
    transferSyntaxUid: h.transferSyntaxUid,
    transferSyntax: h.transferSyntaxName,
    photometricInterpretation: h.photometricInterpretation,
    bitsAllocated: h.bitsAllocated,
    bitsStored: h.bitsStored,
    pixelRepresentation: h.pixelRepresentation,
    window: h.windows[0] ? { center: h.windows[0].center, width: h.windows[0].width } : null,
    windows: h.windows,
    voiLutFunction: h.voiLutFunction,
    rescaleSlope: h.rescaleSlope,
    rescaleIntercept: h.rescaleIntercept,
    pixelSpacing: h.pixelSpacing,
    pixelSpacingSource: h.spacingSource,
    pixelSha256: createHash('sha256').update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength)).digest('hex'),
    min: d.minValue,
    max: d.maxValue,
    mean: p.length ? Math.round((sum / p.length) * 1e4) / 1e4 : 0,
    ...(d.codestreamMismatch ? { codestreamMismatch: d.codestreamMismatch } : {}),
  };
}

function text(o: InspectOutput): string {
  const show = (v: string) => (v === '' ? '(none)' : v);
  const rows: [string, string][] = [
    ['File', o.file],
    ['Patient name', show(o.patientName)],
    ['Patient ID', show(o.patientId)],
    ['Study Instance UID', show(o.studyInstanceUid)],
    ['Series Instance UID', show(o.seriesInstanceUid)],
    ['SOP Instance UID', show(o.sopInstanceUid)],
    ['Study date', show(o.studyDate)],
    ['Study description', show(o.studyDescription)],
    ['Accession number', show(o.accessionNumber)],
    ['Modality', show(o.modality)],
    ['View position', o.viewPosition ? `${o.viewPosition}${o.viewPositionSource === 'PatientPosition' ? ' (from Patient Position)' : ''}` : '(unknown)'],
    ['Rows × columns', `${o.rows} × ${o.columns}${o.frames > 1 ? `, ${o.frames} frames` : ''}`],
    ['Transfer syntax', `${o.transferSyntaxUid} (${o.transferSyntax})`],
    ...(o.codestreamMismatch ? [['Codestream', o.codestreamMismatch] as [string, string]] : []),
    ['Photometric', `${o.photometricInterpretation}${o.samplesPerPixel > 1 ? `, ${o.samplesPerPixel} samples/pixel` : ''}`],
    ['Bits allocated/stored', `${o.bitsAllocated}/${o.bitsStored}${o.pixelRepresentation === 1 ? ' signed' : ''}`],
    ['Window', o.window ? `center ${o.window.center}, width ${o.window.width}${o.voiLutFunction !== 'LINEAR' ? ` (${o.voiLutFunction})` : ''}` : '(none)'],
    ['Pixel spacing', o.pixelSpacing ? `${o.pixelSpacing[0]} × ${o.pixelSpacing[1]} mm (${o.pixelSpacingSource})` : '(unknown)'],
    ['Stored values', `min ${o.min}, max ${o.max}, mean ${o.mean}`],
    ['Pixel sha256', o.pixelSha256],
  ];
  // One line per row whatever the file holds (app/text/one-line.ts); --json escapes by itself.
  return rows.map(([k, v]) => `${(k + ':').padEnd(23)}${oneLine(v)}`).join('\n') + '\n';
}

export const inspectCommand: CliCommand = {
  async run(args) {
    const parsed = parseCliArgs('inspect', USAGE, { args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true }, (t) => process.stderr.write(t));
    if (!parsed) return 2;
    const [file, ...extra] = parsed.positionals;
    if (!file || extra.length > 0) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    let decoded: DecodedImage;
    try {
      // In-process decode: the CLI serves no UI thread.
      decoded = await decodeFile(file);
    } catch (e) {
      if (e instanceof DicomError) {
        process.stderr.write(`radraft inspect: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const out = describeImage(file, decoded);
    process.stdout.write(parsed.values.json ? `${JSON.stringify(out)}\n` : text(out));
    return 0;
  },
};
