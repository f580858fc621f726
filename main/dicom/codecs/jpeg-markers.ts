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

/**
 * Makes libjpeg leave the samples alone: a 3-component JPEG without JFIF or Adobe markers is assumed to be YCbCr
 * and converted to RGB, but DICOM's Photometric Interpretation RGB says it is RGB already (PS3.5 8.2.1). libjpeg
 * treats component identifiers 'R','G','B' as "no transform", so they are rewritten in SOF and every SOS (and a
 * JFIF APP0, which would force YCbCr, becomes a comment: pydicom ignores it too). Returns the input unchanged when a complete
 * Adobe APP14 segment states the transform explicitly.
 */
export function withRgbComponentIds(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data);
  const rename = new Map<number, number>();
  const rgb = [0x52, 0x47, 0x42];
  let i = 2;
  while (i + 4 <= out.length) {
    if (out[i] !== 0xff) return data;
    const marker = out[i + 1];
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = (out[i + 2] << 8) | out[i + 3];
    if (length < 2 || i + 2 + length > out.length) return data;
    // libjpeg assumes YCbCr whenever a JFIF APP0 is present; turn it into a comment (COM) of the same length.
    if (marker === 0xe0 && out[i + 4] === 0x4a && out[i + 5] === 0x46 && out[i + 6] === 0x49 && out[i + 7] === 0x46) out[i + 1] = 0xfe;
    // A complete Adobe APP14 segment (12 data bytes) states the transform itself; libjpeg ignores shorter ones.
    if (marker === 0xee && length >= 14 && out[i + 4] === 0x41 && out[i + 5] === 0x64 && out[i + 6] === 0x6f && out[i + 7] === 0x62) return data;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const n = out[i + 9];
      if (n !== 3) return data;
      for (let c = 0; c < 3; c++) {
        rename.set(out[i + 10 + 3 * c], rgb[c]);
        out[i + 10 + 3 * c] = rgb[c];
      }
    }
    if (marker === 0xda) {
      const n = out[i + 4];
      for (let c = 0; c < n; c++) {
        const id = rename.get(out[i + 5 + 2 * c]);
        if (id !== undefined) out[i + 5 + 2 * c] = id;
      }
      // Skip the entropy-coded segment: up to the next marker that is not a stuffed 0x00 or a restart marker.
      i += 2 + length;
      while (i + 1 < out.length && !(out[i] === 0xff && out[i + 1] !== 0x00 && !(out[i + 1] >= 0xd0 && out[i + 1] <= 0xd7))) i++;
      continue;
    }
    i += 2 + length;
  }
  return rename.size === 3 ? out : data;
}
