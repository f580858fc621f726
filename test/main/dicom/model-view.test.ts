// The full-resolution model view equals the reference PNGs within ±1 on ≥ 99.9 % of pixels.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeFile, renderModelView } from '../../../main/dicom';
import { fixture } from './fixtures';

const pngs = readdirSync(fixture('golden', 'model-view')).filter((f) => f.endsWith('.png'));

/** golden/cases.json maps most PNGs to data/cxr/NAME.dcm; the others live beside it under the same name. */
function dicomFor(png: string): string {
  const name = png.replace(/\.png$/, '.dcm');
  const found = ['cxr', 'cxr-robustness', 'cxr-derived'].map((d) => fixture(d, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`no DICOM fixture for ${png}`);
  return found;
}

describe('model view (stored → Modality LUT → VOI → MONOCHROME1 → uint8)', () => {
  it('has all 14 reference images', () => {
    expect(pngs).toHaveLength(14);
  });

  for (const png of pngs) {
    it(png, async () => {
      const ref = PNG.sync.read(readFileSync(fixture('golden', 'model-view', png)));
      const view = renderModelView(await decodeFile(dicomFor(png)));
      expect([view.width, view.height]).toEqual([ref.width, ref.height]);
      const channels = ref.data.length / (ref.width * ref.height);
      let off = 0;
      for (let i = 0; i < view.data.length; i++) if (Math.abs(view.data[i] - ref.data[i * channels]) > 1) off++;
      expect(off / view.data.length).toBeLessThanOrEqual(0.001);
    });
  }

  it('applies the stored window to windowed images and reports it', async () => {
    const view = renderModelView(await decodeFile(fixture('cxr', 'barre_CR-MONO1-10-chest_nometa.dcm')));
    expect(view.window).toEqual({ center: 550, width: 1024 });
    expect(view.voi).toBe('window');
  });

  it('inverts MONOCHROME1 relative to the same pixels labelled MONOCHROME2', async () => {
    const mono1 = renderModelView(await decodeFile(fixture('cxr-robustness', 'txv_Fake_MONOHR1_siim6904_header_mono1.dcm')));
    const mono2 = renderModelView(await decodeFile(fixture('cxr-robustness', 'txv_siim_1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm')));
    for (let i = 0; i < mono1.data.length; i += 997) expect(mono1.data[i]).toBe(255 - mono2.data[i]);
  });
});
