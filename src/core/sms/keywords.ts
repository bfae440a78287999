/**
 * Keywords in a reply: STOP and START maintain the opt-out list (the usual mobile-industry words,
 * e.g. UK PhonepayPlus / CTIA opt-out guidance); YES and CANCEL answer an appointment reminder.
 */
export type Keyword = 'stop' | 'start' | 'yes' | 'cancel';

const WORDS: Record<string, Keyword> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  END: 'stop',
  QUIT: 'stop',
  START: 'start',
  UNSTOP: 'start',
  YES: 'yes',
  Y: 'yes',
  CONFIRM: 'yes',
  CANCEL: 'cancel',
  NO: 'cancel',
};

/** The keyword a reply consists of (one word, any case, trailing punctuation ignored), or null. */
export function keywordOf(text: string): Keyword | null {
  const word = text.trim().replace(/[.!?]+$/, '').toUpperCase();
  return /^[A-Z]+$/.test(word) ? (WORDS[word] ?? null) : null;
}
