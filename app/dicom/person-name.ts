// Person Name (PN) values as people read them. PS3.5 6.2.1: up to three component groups separated by '='
// (alphabetic, ideographic, phonetic), each with up to five components separated by '^': family name, given name,
// middle name, prefix, suffix.

/** Component groups in the order they are preferred for display. */
const GROUPS = 3;

/**
 * "Family, Given Middle" (prefix and suffix around the given names: "Doe, Dr John A Jr"), from the alphabetic
 * group, else the ideographic, else the phonetic one; `ifEmpty` when the value names no one. Used by every place Radraft
 * shows or exports a name, so a patient reads the same in the study list, the viewer, the report and the export.
 */
export function formatPersonName(pn: string, ifEmpty = ''): string {
  const groups = pn.split('=').slice(0, GROUPS);
  for (const group of groups) {
    const [family = '', given = '', middle = '', prefix = '', suffix = ''] = group.split('^').map(tidy);
    const givenNames = [prefix, given, middle, suffix].filter((part) => part !== '').join(' ');
    const name = [family, givenNames].filter((part) => part !== '').join(', ');
    if (name !== '') return name;
  }
  return ifEmpty;
}

/** Two Person Name values name the same person when they read the same (case, spacing and empty components aside). */
export function samePersonName(a: string, b: string): boolean {
  return formatPersonName(a).toLocaleUpperCase() === formatPersonName(b).toLocaleUpperCase();
}

/** Spaces padded or doubled inside a component go; anything else stays for oneLine() to make visible. */
function tidy(component: string): string {
  return component
    .split(' ')
    .filter((word) => word !== '')
    .join(' ');
}
