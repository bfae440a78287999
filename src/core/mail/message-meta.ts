/** The stored, searchable summary of a parsed message (one row per distinct body). */
import type { MessageMeta } from '../../store/types.js';
import type { MessageIndex } from './mime/types.js';
import { threadKey } from '../../store/schema/thread-key.js';

export function toMessageMeta(blobHash: string, index: MessageIndex): MessageMeta {
  return {
    blobHash,
    subject: index.subject,
    fromText: index.from.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', '),
    sentAt: index.date ? index.date.getTime() : null,
    messageId: index.messageId,
    // The search text has its own column; keeping it out of the JSON halves the bytes per message.
    indexJson: JSON.stringify({ ...index, searchText: undefined }),
    searchText: index.searchText,
    threadId: threadKey(index, blobHash),
  };
}
