// The model input from the DICOM files themselves: DICOM engine model view → resizeGray8 → the reference processor's
// output (golden resized224/*.tv.png), for all 14 chest X-rays of the golden set.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeFile, renderModelView } from '../../../main/dicom/index';
import { resizeGray8 } from '../../../models/preprocess';

const dicom = join(__dirname, '../../fixtures/dicom');
const resized = join(__dirname, '../../fixtures/preprocess/resized224');

// DICOM file → reference picture. The RIBCAGE robustness file carries the same pixels as nih_dx_pa_00000002 (only
// its header differs), so the golden set has one resized reference for both.
const CASES: [string, string][] = [
  ['cxr/barre_CR-MONO1-10-chest_nometa.dcm', 'barre_CR-MONO1-10-chest_nometa'],
  ['cxr/nema_wg04_RG1_J2KI_cr_pa_mono1_15bit.dcm', 'nema_wg04_RG1_J2KI_cr_pa_mono1_15bit'],
  ['cxr/nema_wg04_RG1_JLSN_cr_pa_mono1_15bit.dcm', 'nema_wg04_RG1_JLSN_cr_pa_mono1_15bit'],
  ['cxr/nih_dx_ap_cardiomegaly_implLE_8bit.dcm', 'nih_dx_ap_cardiomegaly_implLE_8bit'],
  ['cxr/nih_dx_ap_effusion_implLE_8bit.dcm', 'nih_dx_ap_effusion_implLE_8bit'],
  ['cxr/nih_dx_pa_00000002_implLE_8bit.dcm', 'nih_dx_pa_00000002_implLE_8bit'],
  ['cxr-robustness/nih_udacity_test4_bodypart_RIBCAGE.dcm', 'nih_dx_pa_00000002_implLE_8bit'],
  ['cxr/pydicom966_dx_pa_mono1_12bit_j2k_lossless.dcm', 'pydicom966_dx_pa_mono1_12bit_j2k_lossless'],
  ['cxr/siim_1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027.dcm', 'siim_1.2.276.0.7230010.3.1.4.8323329.1000.1517875165.878027'],
  ['cxr/siim_1.2.276.0.7230010.3.1.4.8323329.10000.1517875220.938530.dcm', 'siim_1.2.276.0.7230010.3.1.4.8323329.10000.1517875220.938530'],
  ['cxr/siim_1.2.276.0.7230010.3.1.4.8323329.4440.1517875182.865105.dcm', 'siim_1.2.276.0.7230010.3.1.4.8323329.4440.1517875182.865105'],
  ['cxr/siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709.dcm', 'siim_1.2.276.0.7230010.3.1.4.8323329.4904.1517875185.355709'],
  ['cxr/siim_1.2.276.0.7230010.3.1.4.8323329.4982.1517875185.837576.dcm', 'siim_1.2.276.0.7230010.3.1.4.8323329.4982.1517875185.837576'],
  ['cxr-robustness/txv_siim_1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm', 'txv_siim_1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819'],
];

describe('model input from the DICOM files', () => {
  it.each(CASES)('%s', async (file, reference) => {
    const view = renderModelView(await decodeFile(join(dicom, file)));
    const out = resizeGray8(view.data, view.width, view.height, 224, 224);
    const ref = PNG.sync.read(readFileSync(join(resized, `${reference}.tv.png`)));
    let within1 = 0;
    let max = 0;
    let exact = 0;
    for (let i = 0; i < out.length; i++) {
      const d = Math.abs(out[i] - ref.data[i * 4]);
      if (d <= 1) within1++;
      if (d === 0) exact++;
      max = Math.max(max, d);
    }
    expect(within1 / out.length).toBeGreaterThanOrEqual(0.99);
    expect(max).toBeLessThanOrEqual(2);
    expect(exact / out.length).toBe(1);
  });
});
