// 12-bit JPEG (ITU-T T.81 extended sequential, DICOM JPEG Extended Process 4). Placeholder until the decoder lands.
import { UnsupportedCodestream } from './failures';
import type { CodecOutput } from './index';

export function decodeJpeg12(_frame: Uint8Array): CodecOutput {
  throw new UnsupportedCodestream('12-bit JPEG Extended (Process 4) is not decoded yet');
}
