// Reads the frame header (SOFn) of a JPEG or JPEG-LS codestream (ITU-T T.81 B.2.2, T.87 C.2.2) to pick a decoder
// and check the codestream against the DICOM header before decoding.

export interface JpegFrameHeader {
  /** SOF marker's low byte: 0xc0 baseline, 0xc1 extended, 0xc3 lossless, 0xf7 JPEG-LS, … */
  sof: number;
  precision: number;
  height: number;
  width: number;
  components: number;
  /** Component identifiers; 'R','G','B' ids mean no colour transform was applied by the encoder. */
  componentIds: number[];
}

export function readJpegFrameHeader(data: Uint8Array): JpegFrameHeader | null {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= data.length) {
    if (data[i] !== 0xff) return null;
    const marker = data[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = (data[i + 2] << 8) | data[i + 3];
    if (length < 2) return null;
    const isSof = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7 || marker === 0xf9;
    if (isSof) {
      if (i + 10 > data.length) return null;
      const components = data[i + 9];
      const componentIds: number[] = [];
      for (let c = 0; c < components && i + 10 + 3 * c < data.length; c++) componentIds.push(data[i + 10 + 3 * c]);
      return {
        sof: marker,
        precision: data[i + 4],
        height: (data[i + 5] << 8) | data[i + 6],
        width: (data[i + 7] << 8) | data[i + 8],
        components,
        componentIds,
      };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan before any frame header
    i += 2 + length;
  }
  return null;
}
