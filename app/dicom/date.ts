// Date (DA) values as people read them. PS3.5 6.2 DA: YYYYMMDD; the ACR-NEMA form YYYY.MM.DD is still met in
// older archives (PS3.5 6.2, DA note).

/** YYYYMMDD (or YYYY.MM.DD) → YYYY-MM-DD; anything else as stored, trimmed; `ifEmpty` when empty. */
export function formatDicomDate(da: string, ifEmpty = ''): string {
  const value = da.trim();
  if (value === '') return ifEmpty;
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : value;
}
