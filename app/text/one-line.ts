// Text that someone else wrote (a DICOM attribute, a signer's name) shown or exported as one line. A value that
// carries a line break could otherwise write a line of its own into a report ("IMPRESSION: No acute findings.").

/** Line breaks: CR LF as one, CR, LF, VT, FF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
const LINE_BREAK = /\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g;
/**
 * Every other C0 control, DEL, C1 control, and the bidirectional embeddings, overrides and isolates (Unicode
 * UAX #9), which can make text read differently from how it is stored.
 */
const OTHER = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Shown for a line break: RETURN SYMBOL, in the fonts every platform ships (DejaVu, Segoe UI Symbol, Apple). */
export const LINE_BREAK_SYMBOL = '\u23ce';
/** Shown for any other control or reordering character. */
export const REPLACEMENT_SYMBOL = '\ufffd';

/**
 * The value as one line: each line break becomes ⏎ and each other control or reordering character becomes �.
 * Nothing is dropped silently, so a reader sees that the value held something odd.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAK, LINE_BREAK_SYMBOL).replace(OTHER, REPLACEMENT_SYMBOL);
}

/** True when the text is already one line: no control, line-breaking or reordering character. */
export function isOneLine(text: string): boolean {
  return oneLine(text) === text;
}
