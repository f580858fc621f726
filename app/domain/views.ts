// Which image of a study a reader looks at, which one a draft is made from, and how a study hangs in the viewer.
// A chest radiograph is reported from its frontal projection, with the lateral beside it. What an image shows is read
// from View Position (0018,5101; PS3.3 C.8.11.5), else Patient Orientation (0020,0020; C.7.6.1.1.1), else the
// Series Description; when none of them tells, the image's shape decides between two films (a lateral is narrower).

/** Frontal projections, the preferred first. */
const FRONTAL_VIEWS = ['PA', 'AP'];
/** Views that show the chest from the side (PS3.3 C.8.11.5 defined terms, and what units write instead). */
const LATERAL_VIEWS = new Set(['LL', 'RL', 'LAT', 'LATERAL', 'LATERAL LEFT', 'LATERAL RIGHT']);
/** Decubitus films: a frontal projection of a patient lying on one side. */
const DECUBITUS_VIEWS = new Set(['LLD', 'RLD']);

interface Viewed {
  imageId: string;
  viewPosition: string;
  patientOrientation?: string;
  seriesDescription?: string;
  rows?: number;
  columns?: number;
}

export type ViewKind = 'frontal' | 'lateral' | 'unknown';

export interface ViewClass {
  kind: ViewKind;
  /** PA or AP for a frontal view when known, else ''. */
  projection: 'PA' | 'AP' | '';
  /** What told: a person reads this to see why an image hangs where it does. */
  basis: 'View Position' | 'Patient Orientation' | 'Series Description' | 'image shape' | 'nothing';
}

/** The view's first word, upper case: "PA ERECT" → "PA". */
function viewCode(viewPosition: string): string {
  const value = viewPosition.trim().toUpperCase();
  return LATERAL_VIEWS.has(value) ? value : (value.split(/\s+/)[0] ?? '');
}

/** The main direction of a Patient Orientation value: "LP" → "L" (the first letter carries the most weight). */
function mainDirection(value: string): string {
  return value.trim().toUpperCase().charAt(0);
}

/** What one image shows, from its own attributes only. */
export function classifyView(image: Viewed): ViewClass {
  const code = viewCode(image.viewPosition);
  if (code === 'PA' || code === 'AP') return { kind: 'frontal', projection: code, basis: 'View Position' };
  if (LATERAL_VIEWS.has(code)) return { kind: 'lateral', projection: '', basis: 'View Position' };
  if (DECUBITUS_VIEWS.has(code)) return { kind: 'frontal', projection: '', basis: 'View Position' };
  // Rows running left–right across the patient: a frontal film; front–back: a lateral (C.7.6.1.1.1).
  const [rows = '', columns = ''] = (image.patientOrientation ?? '').split('\\');
  const row = mainDirection(rows);
  const column = mainDirection(columns);
  if ((row === 'L' || row === 'R') && (column === 'H' || column === 'F')) return { kind: 'frontal', projection: '', basis: 'Patient Orientation' };
  if ((row === 'A' || row === 'P') && (column === 'H' || column === 'F')) return { kind: 'lateral', projection: '', basis: 'Patient Orientation' };
  const description = ` ${(image.seriesDescription ?? '').toUpperCase().replace(/[^A-Z0-9]+/g, ' ')} `;
  if (/ (LAT|LATERAL|LATERALE|SEITLICH) /.test(description)) return { kind: 'lateral', projection: '', basis: 'Series Description' };
  const projection = / PA /.test(description) ? 'PA' : / AP /.test(description) ? 'AP' : '';
  if (projection || / (FRONTAL|FRONT|PA AP|AP PA) /.test(description)) return { kind: 'frontal', projection, basis: 'Series Description' };
  return { kind: 'unknown', projection: '', basis: 'nothing' };
}

/** Sort key: PA 0, AP 1, other frontal views 2, lateral 3, unknown 4. */
export function viewRank(image: Viewed | string): number {
  const c = classifyView(typeof image === 'string' ? { imageId: '', viewPosition: image } : image);
  if (c.kind === 'frontal') return c.projection === '' ? FRONTAL_VIEWS.length : FRONTAL_VIEWS.indexOf(c.projection);
  return c.kind === 'lateral' ? FRONTAL_VIEWS.length + 1 : FRONTAL_VIEWS.length + 2;
}

/** The first PA image, else the first AP image, else the first other frontal one, else undefined. */
export function frontalImage<T extends Viewed>(images: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const image of images) {
    const rank = viewRank(image);
    if (rank <= FRONTAL_VIEWS.length && (best === undefined || rank < viewRank(best))) best = image;
  }
  return best;
}

/** The image a reader opens a study on: frontal, else the first. */
export function preferredImage<T extends Viewed>(images: readonly T[]): T | undefined {
  return frontalImage(images) ?? images[0];
}

/** The image a draft (or Locate) runs on: frontal, else the one on screen, else the first. */
export function draftImage<T extends Viewed>(images: readonly T[], shownImageId: string): T | undefined {
  return frontalImage(images) ?? images.find((i) => i.imageId === shownImageId) ?? images[0];
}

/** Width over height; 1 when the size is unknown. */
function aspect(image: Viewed): number {
  return image.rows && image.columns ? image.columns / image.rows : 1;
}

/** Two films whose shapes differ by less than this tell nothing by shape. */
const SHAPE_MARGIN = 0.03;

/** A study's frontal and lateral film, each with why it was chosen. */
export interface Hung<T> {
  frontal: { image: T; basis: ViewClass['basis'] } | null;
  lateral: { image: T; basis: ViewClass['basis'] } | null;
}

/**
 * The frontal and the lateral film of a study. Each image's own attributes decide first; when that leaves the
 * frontal or the lateral open, two films whose attributes say nothing are told apart by shape: the wider is the
 * frontal, the narrower the lateral (chest laterals are taken on a portrait cassette, frontals often landscape).
 */
export function frontalAndLateral<T extends Viewed>(images: readonly T[]): Hung<T> {
  const classes = images.map((image) => ({ image, c: classifyView(image) }));
  const frontal = frontalImage(images);
  const lateral = classes.find((x) => x.c.kind === 'lateral');
  const hung: Hung<T> = {
    frontal: frontal ? { image: frontal, basis: classifyView(frontal).basis } : null,
    lateral: lateral ? { image: lateral.image, basis: lateral.c.basis } : null,
  };
  const unknown = classes.filter((x) => x.c.kind === 'unknown').map((x) => x.image);
  if (!hung.frontal && !hung.lateral && unknown.length >= 2) {
    const byShape = [...unknown].sort((a, b) => aspect(b) - aspect(a));
    const wide = byShape[0];
    const narrow = byShape[byShape.length - 1];
    if (aspect(wide) - aspect(narrow) >= SHAPE_MARGIN * aspect(wide)) {
      hung.frontal = { image: wide, basis: 'image shape' };
      hung.lateral = { image: narrow, basis: 'image shape' };
    }
  } else if (hung.frontal && !hung.lateral) {
    const f = hung.frontal.image;
    const narrower = unknown.filter((i) => aspect(f) - aspect(i) >= SHAPE_MARGIN * aspect(f)).sort((a, b) => aspect(a) - aspect(b))[0];
    if (narrower) hung.lateral = { image: narrower, basis: 'image shape' };
  } else if (!hung.frontal && hung.lateral) {
    const l = hung.lateral.image;
    const wider = unknown.filter((i) => aspect(i) - aspect(l) >= SHAPE_MARGIN * aspect(i)).sort((a, b) => aspect(b) - aspect(a))[0];
    if (wider) hung.frontal = { image: wider, basis: 'image shape' };
  }
  return hung;
}

export const LAYOUTS = ['1x1', '1x2', '2x2'] as const;
export type Layout = (typeof LAYOUTS)[number];

export function cellCount(layout: Layout): number {
  return layout === '1x1' ? 1 : layout === '1x2' ? 2 : 4;
}

/** The layout a study opens in: 1×2 with frontal left and lateral right when it has both, else 1×1. */
export function defaultLayout(images: readonly Viewed[]): Layout {
  const hung = frontalAndLateral(images);
  return hung.frontal && hung.lateral ? '1x2' : '1x1';
}

/**
 * What each viewport of `layout` shows (image ids, null for an empty one). Alone: the frontal, the lateral, then
 * the study's other images in order. With a prior to compare: the current frontal left and the prior's frontal right
 * (1×2); in 2×2 the laterals below them.
 */
export function hangImages(layout: Layout, current: readonly Viewed[], prior: readonly Viewed[] | null = null): Array<string | null> {
  const count = cellCount(layout);
  const cur = frontalAndLateral(current);
  const first = cur.frontal?.image ?? preferredImage(current);
  if (prior) {
    const old = frontalAndLateral(prior);
    const priorFirst = old.frontal?.image ?? preferredImage(prior);
    const cells = [first, priorFirst, cur.lateral?.image, old.lateral?.image];
    return cells.slice(0, count === 1 ? 1 : count).map((i) => i?.imageId ?? null);
  }
  const ordered = [first, cur.lateral?.image, ...current].filter((i): i is Viewed => i !== undefined);
  const ids = [...new Set(ordered.map((i) => i.imageId))];
  return Array.from({ length: count }, (_, i) => ids[i] ?? null);
}
