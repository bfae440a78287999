// Minimal typings for the parts of libqp, libbase64 and libmime's charset module that the indexer uses.

declare module 'libqp' {
  interface LibQp {
    /** Decodes a quoted-printable string (one char per byte) to bytes (RFC 2045 §6.7). */
    decode(input: string): Buffer;
  }
  const libqp: LibQp;
  export = libqp;
}

declare module 'libbase64' {
  interface LibBase64 {
    /** Decodes base64 text to bytes (RFC 2045 §6.8). */
    decode(input: string): Buffer;
  }
  const libbase64: LibBase64;
  export = libbase64;
}

declare module 'libmime/lib/charset.js' {
  interface LibCharset {
    /** Decodes bytes in the named charset; never throws (falls back to UTF-8). Japanese charsets may come back as UTF-8 bytes. */
    decode(buf: Buffer, fromCharset?: string): string | Buffer;
  }
  const charset: LibCharset;
  export = charset;
}
