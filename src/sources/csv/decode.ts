/**
 * Bytes of an HR export as text. Every HR system exports CSV, but not every one in UTF-8: Excel on
 * Windows saves "CSV" in Windows-1252, some tools in UTF-16 with a byte-order mark. A file that is not
 * what it claims is refused with the byte that gave it away, or decoded as Windows-1252 with a note the
 * pull request shows, so a mangled name is never written into git in silence.
 */
export type CsvEncoding = 'auto' | 'utf-8' | 'windows-1252';

export interface Decoded {
  text: string;
  /** Set when the file was not plain UTF-8 and was decoded anyway: said in the pull request. */
  note?: string;
}

export class EncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodingError';
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // TextDecoder tells that a file is invalid, not where: find the first byte that starts no valid sequence.
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

const lineAt = (bytes: Uint8Array, offset: number) => bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;

export function decodeCsv(bytes: Uint8Array, encoding: CsvEncoding, file: string): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    if (bytes[0] === 0xff) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), note: `${file} is UTF-16 (little-endian); it was decoded as such` };
    throw new EncodingError(`${file} is UTF-16 big-endian, which roster does not read; export it as UTF-8 CSV`);
  }
  if (encoding === 'windows-1252') return { text: new TextDecoder('windows-1252').decode(bytes), note: `${file} was decoded as Windows-1252 (sources setting encoding)` };
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return { text: new TextDecoder('utf-8').decode(bytes) };
  const where = `byte 0x${bytes[bad].toString(16).toUpperCase().padStart(2, '0')} at offset ${bad} (line ${lineAt(bytes, bad)})`;
  if (encoding === 'utf-8' || bytes.includes(0)) {
    throw new EncodingError(`${file} is not UTF-8: ${where}; export it as "CSV UTF-8", or set encoding: windows-1252 on the source if it is a Windows (Latin-1) export`);
  }
  return {
    text: new TextDecoder('windows-1252').decode(bytes),
    note: `${file} is not UTF-8 (${where}); it was read as Windows-1252 (Latin-1): check the accented names below, or export it as "CSV UTF-8"`,
  };
}
