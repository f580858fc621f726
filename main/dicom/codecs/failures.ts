// Codec-level failures; decode.ts turns them into DicomErrors that name the file.

/** The codestream is damaged or inconsistent; `messages` are the codec's own diagnostics. */
export class CodecFailure extends Error {
  override name = 'CodecFailure';
  constructor(message: string, readonly messages: string[] = []) {
    super(message);
  }
}

/** The codestream is valid but uses a feature no bundled codec decodes. */
export class UnsupportedCodestream extends Error {
  override name = 'UnsupportedCodestream';
}
