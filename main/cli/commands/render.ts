// `radraft render FILE --out OUT.png [--size N]`: writes the model view (full resolution, or N×N resized the way
// the model's preprocessing resizes) as an 8-bit grey PNG.
import { writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import type { CliCommand } from '../command';
import { parseCliArgs } from '../cli-args';
import { resizeGray8 } from '../../../models/preprocess/resize';
import { decodeFile, DicomError, renderModelView } from '../../dicom/index';

const USAGE = 'usage: radraft render FILE --out OUT.png [--size N]';

export function encodeGrayPng(data: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
}

export const renderCommand: CliCommand = {
  async run(args) {
    const parsed = parseCliArgs('render', USAGE, { args, options: { out: { type: 'string', short: 'o' }, size: { type: 'string' } }, allowPositionals: true, strict: true }, (t) => process.stderr.write(t));
    if (!parsed) return 2;
    const [file, ...extra] = parsed.positionals;
    const out = parsed.values.out;
    const size = parsed.values.size === undefined ? null : Number(parsed.values.size);
    if (!file || extra.length > 0 || !out) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    if (size !== null && (!Number.isInteger(size) || size < 1 || size > 8192)) {
      process.stderr.write(`radraft render: --size must be a whole number of pixels from 1 to 8192\n`);
      return 2;
    }
    let view;
    try {
      view = renderModelView(await decodeFile(file));
    } catch (e) {
      if (e instanceof DicomError) {
        process.stderr.write(`radraft render: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const [data, width, height] = size === null ? [view.data, view.width, view.height] : [resizeGray8(view.data, view.width, view.height, size, size), size, size];
    try {
      await writeFile(out, encodeGrayPng(data, width, height));
    } catch (e) {
      process.stderr.write(`radraft render: cannot write ${out} (${(e as NodeJS.ErrnoException).code ?? 'I/O error'})\n`);
      return 1;
    }
    return 0;
  },
};
