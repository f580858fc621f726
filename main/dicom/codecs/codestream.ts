// What a frame's codestream really is, read from its first marker segments: a JPEG frame header (SOFn, ITU-T T.81
// B.2.2 and Table B.1), a JPEG-LS one (SOF55, T.87 C.2.2) or a JPEG 2000 SOC + SIZ (T.800 A.4, A.5.1; possibly in
// a JP2 wrapper). A transfer syntax names the codestream a file should hold (PS3.5 A.4), but some writers put
// another one there; like GDCM and DCMTK we decode what is there, and say so.
import { readJpegFrameHeader, type JpegFrameHeader } from './jpeg-markers';

export type CodestreamFamily = 'jpeg' | 'jpeg-ls' | 'jpeg2000';

export interface Codestream {
  family: CodestreamFamily;
  /** Frame header of a JPEG or JPEG-LS codestream. */
  frame?: JpegFrameHeader;
  /** For people: e.g. "JPEG baseline (SOF0), 8-bit". */
  description: string;
}

const SOF_NAMES: Record<number, string> = {
  0xc0: 'JPEG baseline',
  0xc1: 'JPEG extended sequential',
  0xc2: 'JPEG progressive',
  0xc3: 'JPEG lossless',
  0xc5: 'hierarchical JPEG (differential sequential)',
  0xc6: 'hierarchical JPEG (differential progressive)',
  0xc7: 'hierarchical JPEG (differential lossless)',
  0xc9: 'JPEG extended sequential, arithmetic-coded',
  0xca: 'JPEG progressive, arithmetic-coded',
  0xcb: 'JPEG lossless, arithmetic-coded',
  0xcd: 'hierarchical JPEG, arithmetic-coded (differential sequential)',
  0xce: 'hierarchical JPEG, arithmetic-coded (differential progressive)',
  0xcf: 'hierarchical JPEG, arithmetic-coded (differential lossless)',
  0xf7: 'JPEG-LS',
  0xf9: 'JPEG-LS extended (ISO/IEC 14495-2)',
};

/** The SOF marker's name in T.81 / T.87 terms (SOF0 … SOF15, SOF55, SOF57). */
function sofLabel(sof: number): string {
  return `SOF${sof - 0xc0}`;
}

function isJp2OrJ2k(d: Uint8Array): boolean {
  if (d.length >= 4 && d[0] === 0xff && d[1] === 0x4f && d[2] === 0xff && d[3] === 0x51) return true; // SOC, SIZ
  // JP2 signature box (ISO/IEC 15444-1 I.5.1): length 12, type 'jP  '.
  return d.length >= 12 && d[0] === 0 && d[1] === 0 && d[2] === 0 && d[3] === 12 && d[4] === 0x6a && d[5] === 0x50 && d[6] === 0x20 && d[7] === 0x20;
}

/** null when the bytes open no codestream we know (the caller reports it as damaged). */
export function identifyCodestream(d: Uint8Array): Codestream | null {
  if (isJp2OrJ2k(d)) return { family: 'jpeg2000', description: 'JPEG 2000' };
  const frame = readJpegFrameHeader(d);
  if (!frame) return null;
  const name = SOF_NAMES[frame.sof] ?? 'JPEG';
  const description = `${name} (${sofLabel(frame.sof)}), ${frame.precision}-bit`;
  return { family: frame.sof === 0xf7 || frame.sof === 0xf9 ? 'jpeg-ls' : 'jpeg', frame, description };
}

/** Lossless JPEG processes (T.81 H): SOF3 (Huffman) and SOF11 (arithmetic). */
export function isLosslessJpeg(sof: number): boolean {
  return sof === 0xc3 || sof === 0xcb;
}

/** Hierarchical (differential) processes, T.81 Annex J: no DICOM syntax in use carries them and libjpeg has none. */
export function isHierarchicalJpeg(sof: number): boolean {
  return sof === 0xc5 || sof === 0xc6 || sof === 0xc7 || sof === 0xcd || sof === 0xce || sof === 0xcf;
}
