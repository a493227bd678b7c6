import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How much of a body nobody will read the server still takes in (and throws away) after answering. */
export interface UnreadBodyLimits {
  /** Bytes read from the connection after the answer, at most. */
  maxBytes: number;
  /** Time from the answer until the connection is closed if the client is still sending. */
  deadlineMs: number;
}

/**
 * The limits for a server with the given BODY_LIMIT: up to four times the limit (at least 64 MiB),
 * within 30 s (nginx's `lingering_time`, which solves the same problem, is 30 s too).
 */
export function unreadBodyLimits(bodyLimitBytes: number): UnreadBodyLimits {
  return { maxBytes: Math.max(4 * bodyLimitBytes, 64 * 1024 * 1024), deadlineMs: 30000 };
}

/**
 * Lets every client read the answer to a request whose body the server did not read to the end (413
 * for a body over BODY_LIMIT, or any error raised while a body was still arriving).
 *
 * Clients that do not wait for `100 Continue` (Node's `http.request`, Python's `http.client`) send the
 * whole body before they read the answer. Fastify answers such a request with `Connection: close`, and
 * Node then closes the socket with the rest of the body unread, which makes the kernel reset the
 * connection: the client gets a broken pipe and never sees the 413. Instead the answer goes out
 * without `Connection: close` and the rest of the body is read and discarded, up to `limits.maxBytes`
 * within `limits.deadlineMs` (past either, the connection is destroyed). Once the body has ended the
 * connection is closed if the client asked for that (`Connection: close`), and otherwise stays a
 * normal keep-alive connection, which HTTP framing keeps exact.
 */
export function registerUnreadBodyDrain(app: FastifyInstance, limits: UnreadBodyLimits): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const raw = request.raw;
    if (raw.complete || raw.destroyed || raw.readableEnded) return payload;
    reply.removeHeader('connection');
    drainThenClose(raw, reply.raw, limits);
    return payload;
  });
}

/**
 * Bounds a drain that starts now: `socket` is destroyed once more than `limits.maxBytes` have been read
 * from it (counted on each `data` event of `source`, the socket itself or a stream reading from it) or
 * after `limits.deadlineMs`. Returns the function that disarms both.
 */
export function boundDrain(socket: Socket, source: NodeJS.EventEmitter, limits: UnreadBodyLimits): () => void {
  const startBytes = socket.bytesRead;
  const timer = setTimeout(() => socket.destroy(), limits.deadlineMs);
  timer.unref();
  const onData = () => {
    if (socket.bytesRead - startBytes > limits.maxBytes) socket.destroy();
  };
  source.on('data', onData);
  return () => {
    clearTimeout(timer);
    source.off('data', onData);
  };
}

function drainThenClose(request: IncomingMessage, response: ServerResponse, limits: UnreadBodyLimits): void {
  const socket = request.socket;
  // Node ends a connection after an answer the client asked to be the last (`Connection: close`, as
  // Node's own client sends without an agent) with `destroySoon()`; put that off until the body ended.
  const destroySoon = socket.destroySoon;
  let closeRequested = false;
  socket.destroySoon = () => {
    closeRequested = true;
  };
  let bodyEnded = false;
  let answered = response.writableFinished;
  // Gracefully (nothing is left unread, so no reset) and only after the answer has gone out.
  const closeWhenDone = () => {
    if (!bodyEnded || !answered) return;
    socket.destroySoon = destroySoon;
    if (closeRequested) socket.destroySoon();
  };
  // A parser that gave up (multipart) may still be attached; the bytes are only counted from here on.
  request.unpipe();
  const disarm = boundDrain(socket, request, limits);
  request.resume();
  request.once('close', disarm);
  request.once('end', () => {
    disarm();
    bodyEnded = true;
    closeWhenDone();
  });
  response.once('finish', () => {
    answered = true;
    closeWhenDone();
  });
}
