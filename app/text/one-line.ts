// Text that someone else wrote (a DICOM attribute, a signer's name) shown or exported as one line. A value that
// carries a line break could otherwise write a line of its own into a report ("IMPRESSION: No acute findings.").

/** C0 controls, DEL and C1 controls (NEL included). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * Characters that break or reorder a line without being controls: LINE/PARAGRAPH SEPARATOR and the bidirectional
 * embeddings, overrides and isolates (Unicode UAX #9), which can make text read differently from how it is stored.
 */
const LAYOUT = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The value as one line: each control character becomes its visible Control Pictures symbol (CR → ␍, LF → ␊,
 * DEL → ␡; C1 controls → �), each line-breaking or reordering character becomes �. Nothing is dropped silently, so
 * a reader sees that the value held something odd.
 */
export function oneLine(text: string): string {
  return text
    .replace(CONTROL, (c) => {
      const code = c.charCodeAt(0);
      if (code < 0x20) return String.fromCharCode(0x2400 + code);
      return code === 0x7f ? '\u2421' : '\ufffd';
    })
    .replace(LAYOUT, '\ufffd');
}

/** True when the text is already one line: no control, line-breaking or reordering character. */
export function isOneLine(text: string): boolean {
  return oneLine(text) === text;
}
