/**
 * A small WebSocket client (RFC 6455) over `node:net`, for synthetic callers: hundreds of them run
 * in one process, so it keeps per-message work to one buffer and one write. Text and binary
 * messages, fragmentation, ping/pong and the close handshake; no extensions.
 */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Largest message accepted from the server (agent audio frames are a few kB; 16 MB is a broken peer). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Why a connection attempt failed: the server refused the upgrade (with its HTTP status) or the socket failed. */
export class WsConnectError extends Error {
  constructor(
    message: string,
    /** HTTP status of a refused upgrade, if the server answered one. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WsConnectError';
  }
}

/** Handlers of an open connection. */
export interface WsHandlers {
  /** A complete message; `data` is a string for text messages. */
  onMessage?(data: string | Buffer): void;
  /** The connection closed (by either side, or the socket failed); called once. */
  onClose?(code: number, reason: string): void;
}

/** Offset of a frame's payload in its buffer: after the longest header (14 bytes), 4-byte aligned. */
const PAYLOAD_AT = 16;
/** Byte order of typed arrays here: a mask word must match the payload's words. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Random mask keys drawn from a pool refilled in bulk, so masking costs no syscall per frame. */
const maskPool = Buffer.alloc(4096);
let maskAt = maskPool.length;
function nextMask(): Buffer {
  if (maskAt + 4 > maskPool.length) {
    randomFillSync(maskPool);
    maskAt = 0;
  }
  const m = maskPool.subarray(maskAt, maskAt + 4);
  maskAt += 4;
  return m;
}

/**
 * One client connection.
 * @example
 * const ws = await WsClient.connect('ws://127.0.0.1:8081/media/acs/id?token=t', { onMessage: (m) => … });
 * ws.sendText('{"kind":"AudioMetadata"}');
 * await ws.close();
 */
export class WsClient {
  #socket: Socket;
  #handlers: WsHandlers;
  #pending: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #fragmentOpcode = 0;
  #fragmentBytes = 0;
  #closeSent = false;
  #closed = false;
  /** Frame buffer of {@link sendText}, reused once the socket has written it. */
  #frame: Buffer | undefined;
  #closedPromise: Promise<void>;
  #resolveClosed!: () => void;

  private constructor(socket: Socket, handlers: WsHandlers, head: Buffer) {
    this.#socket = socket;
    this.#handlers = handlers;
    this.#closedPromise = new Promise((resolve) => (this.#resolveClosed = resolve));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => this.#finish(1006, 'connection lost'));
    socket.on('error', () => this.#finish(1006, 'socket error'));
    if (head.length > 0) this.#onData(head);
  }

  /**
   * Opens a connection. Rejects with {@link WsConnectError} when the server refuses the upgrade
   * (its status is kept, e.g. 401 for a bad media token) or does not answer within `timeoutMs`.
   */
  static connect(url: string, handlers: WsHandlers = {}, options: { timeoutMs?: number } = {}): Promise<WsClient> {
    const u = new URL(url);
    if (u.protocol !== 'ws:') return Promise.reject(new WsConnectError(`only ws:// URLs are supported, got ${u.protocol}`, undefined));
    const key = randomBytes(16).toString('base64');
    const expectAccept = createHash('sha1').update(key + GUID).digest('base64');
    return new Promise((resolve, reject) => {
      const socket = connect({ host: u.hostname, port: Number(u.port || 80), noDelay: true });
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new WsConnectError(`no upgrade answer from ${u.host} within ${options.timeoutMs ?? 10_000} ms`, undefined)), options.timeoutMs ?? 10_000);
      const fail = (error: WsConnectError) => {
        clearTimeout(timer);
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.destroy();
        reject(error);
      };
      socket.once('error', (error) => fail(new WsConnectError(`cannot connect to ${u.host}: ${error.message}`, undefined, { cause: error })));
      socket.on('connect', () => {
        socket.write(
          `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > 16_384) fail(new WsConnectError('upgrade answer headers too large', undefined));
          return;
        }
        const lines = head.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
        if (status !== 101) {
          const body = head.subarray(end + 4).toString('utf8').slice(0, 300);
          return fail(new WsConnectError(`upgrade refused: ${lines[0] ?? '?'}${body ? ` ${body}` : ''}`, status || undefined));
        }
        const accept = lines.find((l) => l.toLowerCase().startsWith('sec-websocket-accept:'))?.slice(21).trim();
        if (accept !== expectAccept) return fail(new WsConnectError('bad Sec-WebSocket-Accept in the upgrade answer', status));
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeAllListeners('error');
        resolve(new WsClient(socket, handlers, head.subarray(end + 4)));
      };
      socket.on('data', onData);
    });
  }

  /** True once the connection is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes queued in the socket and not yet written (backpressure). */
  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  /**
   * Sends a text message; false when the connection is closed. The text is encoded straight into
   * the frame (a hundred callers send 5000 of these a second).
   */
  sendText(text: string): boolean {
    const len = Buffer.byteLength(text, 'utf8');
    return this.#send(0x1, len, (buf, at) => buf.write(text, at, len, 'utf8'));
  }

  /** Sends a binary message; false when the connection is closed. */
  sendBinary(data: Uint8Array): boolean {
    return this.#sendBytes(0x2, data);
  }

  /** Starts the close handshake and resolves when the socket is closed (at most after `timeoutMs`). */
  close(code = 1000, reason = '', timeoutMs = 2000): Promise<void> {
    if (!this.#closed && !this.#closeSent) {
      const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
      payload.writeUInt16BE(code, 0);
      payload.write(reason, 2);
      this.#sendBytes(0x8, payload);
      this.#closeSent = true;
      const timer = setTimeout(() => this.#socket.destroy(), timeoutMs);
      timer.unref();
    }
    return this.#closedPromise;
  }

  /** Drops the connection without a handshake (a crashed carrier). */
  terminate(): void {
    this.#socket.destroy();
  }

  /** {@link #send} of a payload already in a buffer. */
  #sendBytes(opcode: number, payload: Uint8Array): boolean {
    return this.#send(opcode, payload.length, (buf, at) => buf.set(payload, at));
  }

  /**
   * Writes one masked frame of `len` payload bytes, which `fill` puts at `at` of `buf`. The frame's
   * buffer is reused while the socket has flushed the previous one; the payload starts 16 bytes in
   * (room for the longest header before it, and a multiple of 4 for masking a 32-bit word at a time).
   */
  #send(opcode: number, len: number, fill: (buf: Buffer, at: number) => void): boolean {
    if (this.#closed || this.#closeSent || this.#socket.destroyed) return false;
    const headLen = len < 126 ? 6 : len < 65_536 ? 8 : 14;
    const start = PAYLOAD_AT - headLen;
    const size = PAYLOAD_AT + ((len + 3) & ~3);
    let buf = this.#frame;
    if (buf === undefined || buf.length < size || this.#socket.writableLength > 0) {
      buf = Buffer.allocUnsafeSlow(Math.max(size, 2048));
      this.#frame = buf;
    }
    buf[start] = 0x80 | opcode;
    if (len < 126) buf[start + 1] = 0x80 | len;
    else if (len < 65_536) {
      buf[start + 1] = 0x80 | 126;
      buf.writeUInt16BE(len, start + 2);
    } else {
      buf[start + 1] = 0x80 | 127;
      buf.writeBigUInt64BE(BigInt(len), start + 2);
    }
    const mask = nextMask();
    mask.copy(buf, PAYLOAD_AT - 4);
    fill(buf, PAYLOAD_AT);
    const words = new Uint32Array(buf.buffer, buf.byteOffset + PAYLOAD_AT, (len + 3) >> 2);
    const m = LITTLE_ENDIAN ? mask.readUInt32LE(0) : mask.readUInt32BE(0);
    for (let i = 0; i < words.length; i++) words[i]! ^= m;
    this.#socket.write(buf.subarray(start, PAYLOAD_AT + len));
    return true;
  }

  #onData(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 2) {
      const b0 = this.#pending[0]!;
      const b1 = this.#pending[1]!;
      let len = b1 & 0x7f;
      let at = 2;
      if (len === 126) {
        if (this.#pending.length < 4) return;
        len = this.#pending.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.#pending.length < 10) return;
        const big = this.#pending.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE_BYTES)) return this.#protocolError(1009, 'message too big');
        len = Number(big);
        at = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const maskAt = at;
      if (masked) at += 4;
      if (this.#pending.length < at + len) return;
      // Servers do not mask: their payload is used in place (socket chunks are never reused).
      let payload = this.#pending.subarray(at, at + len);
      if (masked) {
        payload = Buffer.from(payload);
        for (let i = 0; i < len; i++) payload[i]! ^= this.#pending[maskAt + (i & 3)]!;
      }
      this.#pending = this.#pending.subarray(at + len);
      this.#onFrame((b0 & 0x80) !== 0, b0 & 0x0f, payload);
      if (this.#closed) return;
    }
  }

  #onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 0x8) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      const reason = payload.length > 2 ? payload.subarray(2).toString('utf8') : '';
      if (!this.#closeSent) {
        this.#sendBytes(0x8, payload.subarray(0, 2));
        this.#closeSent = true;
      }
      this.#finish(code, reason);
      this.#socket.end();
      return;
    }
    if (opcode === 0x9) return void this.#sendBytes(0xa, payload);
    if (opcode === 0xa) return;
    if (opcode === 0x0) {
      if (this.#fragmentOpcode === 0) return this.#protocolError(1002, 'continuation without a start');
    } else if (opcode === 0x1 || opcode === 0x2) {
      if (this.#fragmentOpcode !== 0) return this.#protocolError(1002, 'new message inside a fragmented one');
      this.#fragmentOpcode = opcode;
    } else return this.#protocolError(1002, `unknown opcode ${opcode}`);
    this.#fragmentBytes += payload.length;
    if (this.#fragmentBytes > MAX_MESSAGE_BYTES) return this.#protocolError(1009, 'message too big');
    this.#fragments.push(payload);
    if (!fin) return;
    const whole = this.#fragments.length === 1 ? this.#fragments[0]! : Buffer.concat(this.#fragments);
    const isText = this.#fragmentOpcode === 0x1;
    this.#fragments = [];
    this.#fragmentOpcode = 0;
    this.#fragmentBytes = 0;
    this.#handlers.onMessage?.(isText ? whole.toString('utf8') : whole);
  }

  #protocolError(code: number, reason: string): void {
    void this.close(code, reason);
    this.#finish(code, reason);
  }

  #finish(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = Buffer.alloc(0);
    this.#handlers.onClose?.(code, reason);
    if (this.#socket.destroyed) this.#resolveClosed();
    else this.#socket.once('close', () => this.#resolveClosed());
  }
}
