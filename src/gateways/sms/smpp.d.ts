// Minimal typings for the parts of the `smpp` package (SMPP 3.4 client and server) Wardpost uses.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  /** A decoded PDU: command fields, mandatory parameters and TLVs as properties. */
  interface PDU {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
  }
  type Callback = (pdu: PDU) => void;
  interface Session extends EventEmitter {
    closed: boolean;
    socket: import('node:net').Socket;
    send(pdu: PDU, responseCallback?: Callback, sendCallback?: Callback, failureCallback?: Callback): boolean;
    bind_transceiver(options: Record<string, unknown>, responseCallback?: Callback): boolean;
    submit_sm(options: Record<string, unknown>, responseCallback?: Callback, sendCallback?: Callback, failureCallback?: Callback): boolean;
    deliver_sm(options: Record<string, unknown>, responseCallback?: Callback): boolean;
    enquire_link(options?: Record<string, unknown>, responseCallback?: Callback): boolean;
    unbind(options?: Record<string, unknown>, responseCallback?: Callback): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  }
  interface Server extends NetServer {
    sessions: Session[];
  }
  export type { PDU, Session, Server };
  const smpp: {
    connect(options: Record<string, unknown>, listener?: (s: Session) => void): Session;
    createServer(options: Record<string, unknown>, listener?: (s: Session) => void): Server;
    PDU: new (command: string, options?: Record<string, unknown>) => PDU;
    ESME_ROK: number;
    ESME_RTHROTTLED: number;
    ESME_RMSGQFUL: number;
    ESME_RBINDFAIL: number;
    ESME_RINVDSTADR: number;
    ESME_RSYSERR: number;
    ESME_RX_T_APPN: number;
    [name: string]: unknown;
  };
  export = smpp;
}
