// Transfer syntaxes this engine knows (PS3.5 Section 10 and Annex A; UIDs from PS3.6 Annex A).

export type PixelEncoding =
  | 'native'
  | 'deflate'
  | 'jpeg-baseline'
  | 'jpeg-extended'
  | 'jpeg-progressive'
  | 'jpeg-lossless'
  | 'jpeg-ls'
  | 'jpeg2000'
  | 'htj2k'
  | 'rle'
  | 'encapsulated-native';

export interface TransferSyntax {
  uid: string;
  name: string;
  /** Data set encoding (PS3.5 7.1): explicit or implicit VR. */
  explicitVr: boolean;
  littleEndian: boolean;
  encoding: PixelEncoding;
  /** Whether decoding may differ from the original values (PS3.5 8.2). */
  lossy: boolean;
  /** JPEG frame markers (SOFn low byte, T.81 Table B.1) a codestream of this syntax carries (PS3.5 A.4.1, 10.x). */
  sof?: readonly number[];
}

/** SOF0 baseline, SOF1 extended sequential, SOF2 progressive, SOF3 lossless (Huffman coding). */
const BASELINE = [0xc0];
const SEQUENTIAL = [0xc0, 0xc1];
const PROGRESSIVE = [0xc0, 0xc1, 0xc2];
const LOSSLESS = [0xc3];

const list: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', explicitVr: false, littleEndian: true, encoding: 'native', lossy: false },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', explicitVr: true, littleEndian: true, encoding: 'native', lossy: false },
  { uid: '1.2.840.10008.1.2.1.98', name: 'Encapsulated Uncompressed Explicit VR Little Endian', explicitVr: true, littleEndian: true, encoding: 'encapsulated-native', lossy: false },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', explicitVr: true, littleEndian: true, encoding: 'deflate', lossy: false },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian (retired)', explicitVr: true, littleEndian: false, encoding: 'native', lossy: false },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', explicitVr: true, littleEndian: true, encoding: 'jpeg-baseline', lossy: true, sof: BASELINE },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (Process 2 & 4)', explicitVr: true, littleEndian: true, encoding: 'jpeg-extended', lossy: true, sof: SEQUENTIAL },
  // Retired (PS3.5 2008 A.4.1): spectral selection (processes 6 & 8) and full progression (10 & 12), 8 or 12 bits.
  { uid: '1.2.840.10008.1.2.4.53', name: 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8) (retired)', explicitVr: true, littleEndian: true, encoding: 'jpeg-progressive', lossy: true, sof: PROGRESSIVE },
  { uid: '1.2.840.10008.1.2.4.55', name: 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12) (retired)', explicitVr: true, littleEndian: true, encoding: 'jpeg-progressive', lossy: true, sof: PROGRESSIVE },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless, Non-Hierarchical (Process 14)', explicitVr: true, littleEndian: true, encoding: 'jpeg-lossless', lossy: false, sof: LOSSLESS },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', explicitVr: true, littleEndian: true, encoding: 'jpeg-lossless', lossy: false, sof: LOSSLESS },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', explicitVr: true, littleEndian: true, encoding: 'jpeg-ls', lossy: false },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Lossy (Near-Lossless)', explicitVr: true, littleEndian: true, encoding: 'jpeg-ls', lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 (Lossless Only)', explicitVr: true, littleEndian: true, encoding: 'jpeg2000', lossy: false },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', explicitVr: true, littleEndian: true, encoding: 'jpeg2000', lossy: true },
  { uid: '1.2.840.10008.1.2.4.201', name: 'High-Throughput JPEG 2000 (Lossless Only)', explicitVr: true, littleEndian: true, encoding: 'htj2k', lossy: false },
  { uid: '1.2.840.10008.1.2.4.202', name: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)', explicitVr: true, littleEndian: true, encoding: 'htj2k', lossy: false },
  { uid: '1.2.840.10008.1.2.4.203', name: 'High-Throughput JPEG 2000', explicitVr: true, littleEndian: true, encoding: 'htj2k', lossy: true },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', explicitVr: true, littleEndian: true, encoding: 'rle', lossy: false },
];

const byUid = new Map(list.map((ts) => [ts.uid, ts]));

/** Names of syntaxes we recognise but do not decode, so the error can say what the file is. */
const knownUnsupported: Record<string, string> = {
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 Multi-component (Lossless Only)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 Multi-component',
  '1.2.840.10008.1.2.4.94': 'JPIP Referenced',
  '1.2.840.10008.1.2.4.95': 'JPIP Referenced Deflate',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.101': 'MPEG2 Main Profile / High Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile',
  '1.2.840.10008.1.2.4.103': 'MPEG-4 AVC/H.264 BD-compatible High Profile',
  '1.2.840.10008.1.2.4.107': 'HEVC/H.265 Main Profile',
  '1.2.840.10008.1.2.4.108': 'HEVC/H.265 Main 10 Profile',
  '1.2.840.10008.1.2.6.1': 'RFC 2557 MIME encapsulation',
  '1.2.840.10008.1.2.6.2': 'XML Encoding',
};

export function findTransferSyntax(uid: string): TransferSyntax | undefined {
  return byUid.get(uid);
}

export function transferSyntaxName(uid: string): string {
  return byUid.get(uid)?.name ?? knownUnsupported[uid] ?? (uid.startsWith('1.2.840.10008.1.2.4.') ? 'retired or unknown JPEG family syntax' : 'unknown transfer syntax');
}

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BE = '1.2.840.10008.1.2.2';
export const DEFLATED_EXPLICIT_VR_LE = '1.2.840.10008.1.2.1.99';
