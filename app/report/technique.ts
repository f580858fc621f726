// The Technique section as the images describe it ("PA and lateral erect chest radiographs"): the projections
// from the views the study hangs by (app/domain/views.ts), the patient's position from Patient Position (0018,5100)
// or the Patient Orientation Code Sequence (0054,0410; PS3.3 C.8.11.5, CID 19), the body part from Body Part
// Examined (0018,0015). Only radiographs are described; the clinician edits the text like any other.
import type { ImageSummary } from '../domain/study';
import { classifyView, frontalAndLateral } from '../domain/views';

const RADIOGRAPHY = new Set(['CR', 'DX', 'DR', 'RG']);

/** Patient Position values (as units write them, and PS3.3 C.7.3.1.1.2's HFS, FFP, …) → the position's name. */
const POSITIONS: Array<[RegExp, string]> = [
  [/^(SEMI[- ]?ERECT|SEMI[- ]?UPRIGHT)$/, 'semi-erect'],
  [/^(ERECT|UPRIGHT|STANDING|STANDING UPRIGHT)$/, 'erect'],
  [/^(SITTING|SITTING UPRIGHT|SEATED)$/, 'sitting'],
  [/^(SUPINE|HFS|FFS)$/, 'supine'],
  [/^(PRONE|HFP|FFP)$/, 'prone'],
  [/^(DECUBITUS|HFDL|HFDR|FFDL|FFDR|LEFT LATERAL DECUBITUS|RIGHT LATERAL DECUBITUS)$/, 'decubitus'],
];

type Described = Pick<ImageSummary, 'imageId' | 'modality' | 'viewPosition'> &
  Partial<Pick<ImageSummary, 'patientOrientation' | 'seriesDescription' | 'rows' | 'columns' | 'patientPosition' | 'patientOrientationCode' | 'bodyPartExamined'>>;

/** The patient's position in one image, or ''. */
export function patientPositionOf(image: Described): string {
  const stored = (image.patientPosition ?? '').trim().toUpperCase();
  for (const [pattern, name] of POSITIONS) if (pattern.test(stored)) return name;
  // Some units put the position into View Position: "AP SUPINE", "PA ERECT".
  const inView = image.viewPosition.trim().toUpperCase().split(/\s+/).slice(1).join(' ');
  for (const [pattern, name] of POSITIONS) if (inView && pattern.test(inView)) return name;
  const code = (image.patientOrientationCode ?? '').trim().toUpperCase();
  for (const [pattern, name] of POSITIONS) if (pattern.test(code)) return name;
  return code === 'RECUMBENT' ? 'recumbent' : '';
}

/** "chest", or the body part the files name. */
function bodyPart(images: readonly Described[]): string {
  const parts = [...new Set(images.map((i) => (i.bodyPartExamined ?? '').trim().toUpperCase()).filter((p) => p !== ''))];
  if (parts.length === 0 || parts.every((p) => p === 'CHEST' || p === 'THORAX')) return 'chest';
  return parts.join(' and ').toLowerCase();
}

/**
 * The Technique text for a study's images, or '' when they do not say enough (no radiograph, or no view known): the
 * editor then leaves the section to the clinician.
 */
export function techniqueText(images: readonly Described[]): string {
  const radiographs = images.filter((i) => RADIOGRAPHY.has(i.modality.trim().toUpperCase()));
  if (radiographs.length === 0) return '';
  const hung = frontalAndLateral(radiographs);
  const frontal = hung.frontal?.image;
  const lateral = hung.lateral?.image;
  if (!frontal && !lateral) return '';
  const projection = frontal ? classifyView(frontal).projection || 'Frontal' : '';
  const position = patientPositionOf(frontal ?? lateral!) || (lateral ? patientPositionOf(lateral) : '');
  const part = bodyPart(radiographs);
  const what = [position, part].filter((w) => w !== '').join(' ');
  if (frontal && lateral) return `${projection} and lateral ${what} radiographs`;
  if (frontal) return `${projection} ${what} radiograph`;
  return `Lateral ${what} radiograph`;
}
