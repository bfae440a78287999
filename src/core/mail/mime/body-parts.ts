// Which parts are the text body, the HTML body and the attachments: the algorithm of
// RFC 8621 §4.1.4 (JMAP Mail), which also drives search text and preview.
import type { MimePart } from './types.js';

/** Parts chosen by `selectBodyParts`, in message order. */
export interface BodyParts {
  textBody: MimePart[];
  htmlBody: MimePart[];
  attachments: MimePart[];
}

function isInlineMedia(p: MimePart): boolean {
  return p.type === 'image' || p.type === 'audio' || p.type === 'video';
}

function mediaType(p: MimePart): string {
  return `${p.type}/${p.subtype}`;
}

/**
 * RFC 8621 §4.1.4 `parseStructure`: walks multiparts (not message/rfc822 parts, which are
 * attachments), preferring text/plain for textBody and text/html for htmlBody in alternatives.
 */
export function selectBodyParts(root: MimePart): BodyParts {
  const textBody: MimePart[] = [];
  const htmlBody: MimePart[] = [];
  const attachments: MimePart[] = [];
  walk([root], 'mixed', false, htmlBody, textBody, attachments);
  return { textBody, htmlBody, attachments };
}

function walk(
  parts: readonly MimePart[],
  multipartType: string,
  inAlternative: boolean,
  htmlBody: MimePart[] | null,
  textBody: MimePart[] | null,
  attachments: MimePart[],
): void {
  const textLength = textBody ? textBody.length : -1;
  const htmlLength = htmlBody ? htmlBody.length : -1;

  parts.forEach((part, i) => {
    const type = mediaType(part);
    const isInline =
      part.disposition?.type !== 'attachment' &&
      (type === 'text/plain' || type === 'text/html' || isInlineMedia(part)) &&
      (i === 0 || (multipartType !== 'related' && (isInlineMedia(part) || part.filename === null)));

    if (part.type === 'multipart' && part.children) {
      walk(part.children, part.subtype, inAlternative || part.subtype === 'alternative', htmlBody, textBody, attachments);
    } else if (isInline) {
      if (multipartType === 'alternative') {
        if (type === 'text/plain') textBody?.push(part);
        else if (type === 'text/html') htmlBody?.push(part);
        else attachments.push(part);
        return;
      } else if (inAlternative) {
        if (type === 'text/plain') htmlBody = null;
        if (type === 'text/html') textBody = null;
      }
      textBody?.push(part);
      htmlBody?.push(part);
      if ((!textBody || !htmlBody) && isInlineMedia(part)) attachments.push(part);
    } else {
      attachments.push(part);
    }
  });

  if (multipartType === 'alternative' && textBody && htmlBody) {
    // Only an HTML part was found: it is the text body too; and the other way round.
    if (textLength === textBody.length && htmlLength !== htmlBody.length) {
      for (let i = htmlLength; i < htmlBody.length; i++) textBody.push(htmlBody[i] as MimePart);
    }
    if (htmlLength === htmlBody.length && textLength !== textBody.length) {
      for (let i = textLength; i < textBody.length; i++) htmlBody.push(textBody[i] as MimePart);
    }
  }
}
