// `radraft import-model HF_DIR --out MODEL_DIR [--dtype fp32|fp16|int8|int4]`
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { WEIGHT_DTYPES, type WeightDtype } from '../../../app/domain/model';
import { importCheckpoint } from '../../../models/engine/index';
import { NBITS_BLOCK_SIZE } from '../../../models/import/import-model';
import { linearNBitsQuantizer } from '../../../models/onnx/quantize';

const USAGE = `usage: radraft import-model HF_DIR --out MODEL_DIR [--dtype ${WEIGHT_DTYPES.join('|')}] [--block-size 32|64|128] [--name NAME]`;
const BLOCK_SIZES = [16, 32, 64, 128, 256];

export const importModelCommand: CliCommand = {
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, dtype: { type: 'string', default: 'fp32' }, name: { type: 'string' }, 'block-size': { type: 'string', default: String(NBITS_BLOCK_SIZE) } } });
    } catch (error) {
      throw new UsageError(`${(error as Error).message}\n${USAGE}`);
    }
    const [hfDir, ...extra] = parsed.positionals;
    const out = parsed.values.out;
    const dtype = parsed.values.dtype as WeightDtype;
    if (!hfDir || extra.length || !out) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    if (!WEIGHT_DTYPES.includes(dtype)) {
      process.stderr.write(`radraft import-model: --dtype must be one of ${WEIGHT_DTYPES.join(', ')}\n`);
      return 2;
    }
    const blockSize = Number(parsed.values['block-size']);
    if (!BLOCK_SIZES.includes(blockSize)) {
      process.stderr.write(`radraft import-model: --block-size must be one of ${BLOCK_SIZES.join(', ')} (int8/int4 quantization block)\n`);
      return 2;
    }
    const t0 = performance.now();
    let last = -1;
    try {
      const manifest = importCheckpoint(hfDir, out, {
        dtype,
        name: parsed.values.name,
        quantizer: linearNBitsQuantizer(blockSize),
        onProgress: (f) => {
          const pct = Math.floor(f * 100);
          if (pct >= last + 10 && process.stderr.isTTY) {
            last = pct;
            process.stderr.write(`\rimporting… ${pct}%`);
          }
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      const bytes = manifest.files.reduce((a, f) => a + f.bytes, 0);
      process.stdout.write(`${out}: ${manifest.architecture} ${manifest.imageSize}px ${manifest.dtype}, ${manifest.files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      return 0;
    } catch (error) {
      process.stderr.write(`radraft import-model: ${(error as Error).message}\n`);
      return 1;
    }
  },
};
