// Which way the patient lies in an image, and so what the viewer's edge markers say. PS3.3 C.7.6.1.1.1: Patient
// Orientation (0020,0020) gives the patient direction of the rows (first column → last) and of the columns (first
// row → last) with the letters A/P (anterior/posterior), R/L (right/left), H/F (head/feet), the main one first
// ("LP" = left and a little posterior). When the file has none, a chest film's View Position tells how it is shown
// by convention; when nothing tells, the image is "not oriented" and no marker is drawn.
import { classifyView } from './views';

const OPPOSITE: Record<string, string> = { L: 'R', R: 'L', A: 'P', P: 'A', H: 'F', F: 'H' };

/** The patient directions of an image's rows and columns, and where they were read from. */
export interface Orientation {
  row: string;
  column: string;
  /** 'file': Patient Orientation; 'view': the conventional display of its View Position (an assumption). */
  basis: 'file' | 'view';
  /** For 'view': the view it was assumed from, e.g. "PA". */
  view?: string;
}

/** How the viewport shows the image (cornerstone's viewport: flips apply to the image, then the rotation). */
export interface ViewTransform {
  /** Clockwise, degrees; multiples of 90. */
  rotation: number;
  hflip: boolean;
  vflip: boolean;
}

export interface EdgeMarkers {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

/** One direction value: one to three of the letters, no axis twice (PS3.3 C.7.6.1.1.1). */
function validDirection(value: string): boolean {
  if (!/^[LRAPHF]{1,3}$/.test(value)) return false;
  const axes = [...value].map((c) => (c === 'L' || c === 'R' ? 'x' : c === 'A' || c === 'P' ? 'y' : 'z'));
  return new Set(axes).size === axes.length;
}

/** The rows' and columns' directions of a Patient Orientation value, or null when it is absent or malformed. */
export function parsePatientOrientation(value: string | undefined): { row: string; column: string } | null {
  const parts = (value ?? '').toUpperCase().split('\\').map((p) => p.trim());
  if (parts.length !== 2) return null;
  const [row, column] = parts;
  if (!validDirection(row) || !validDirection(column)) return null;
  // Rows and columns run along different patient axes.
  if ([...row].some((c) => column.includes(c) || column.includes(OPPOSITE[c]))) return null;
  return { row, column };
}

/** The opposite direction: "LP" → "RA". */
export function oppositeDirection(direction: string): string {
  return [...direction].map((c) => OPPOSITE[c] ?? c).join('');
}

/**
 * Where the patient lies in an image: its Patient Orientation, else the display convention of its View Position
 * (frontal films with the patient's right on the viewer's left: rows run to the patient's left, "L\F"; a left
 * lateral with the patient facing the viewer's left, rows running front to back, "P\F"; a right lateral "A\F"),
 * else null: not oriented.
 */
export function imageOrientation(image: { viewPosition: string; patientOrientation?: string; imageLaterality?: string }): Orientation | null {
  const fromFile = parsePatientOrientation(image.patientOrientation);
  if (fromFile) return { ...fromFile, basis: 'file' };
  const view = image.viewPosition.trim().toUpperCase();
  const c = classifyView({ imageId: '', viewPosition: view });
  if (c.basis !== 'View Position') return null;
  if (c.kind === 'frontal' && c.projection !== '') return { row: 'L', column: 'F', basis: 'view', view: c.projection };
  if (c.kind === 'lateral') {
    const right = view === 'RL' || view === 'LATERAL RIGHT' || ((view === 'LAT' || view === 'LATERAL') && image.imageLaterality?.toUpperCase() === 'R');
    return { row: right ? 'A' : 'P', column: 'F', basis: 'view', view };
  }
  return null;
}

type Vec = readonly [number, number];

/** The screen direction of an image direction under the viewport's flips, then its clockwise rotation (y down). */
function toScreen([x, y]: Vec, t: ViewTransform): Vec {
  const fx = t.hflip ? -x : x;
  const fy = t.vflip ? -y : y;
  const quarter = ((Math.round(t.rotation / 90) % 4) + 4) % 4;
  let v: Vec = [fx, fy];
  for (let i = 0; i < quarter; i++) v = [-v[1], v[0]];
  return v;
}

/** The patient direction each screen edge points to, for the image as the viewport shows it. */
export function edgeMarkers(o: Pick<Orientation, 'row' | 'column'>, t: ViewTransform): EdgeMarkers {
  const directions: Array<[Vec, string]> = [
    [[1, 0], o.row],
    [[-1, 0], oppositeDirection(o.row)],
    [[0, 1], o.column],
    [[0, -1], oppositeDirection(o.column)],
  ];
  const markers: EdgeMarkers = { left: '', right: '', top: '', bottom: '' };
  for (const [v, label] of directions) {
    const [x, y] = toScreen(v, t);
    if (x === 1) markers.right = label;
    else if (x === -1) markers.left = label;
    else if (y === 1) markers.bottom = label;
    else markers.top = label;
  }
  return markers;
}
