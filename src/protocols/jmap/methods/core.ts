/** Core/echo (RFC 8620 section 4): returns its arguments unchanged, for testing connectivity. */
import type { Methods } from '../dispatch.js';
import { CAPABILITIES } from '../proto/request.js';

export const coreMethods: Methods = {
  'Core/echo': { capability: CAPABILITIES.core, handler: async (args) => args },
};
