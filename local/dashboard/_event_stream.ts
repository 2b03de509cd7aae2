/**
 * The dashboard's server-sent events: one stream per open page, each push
 * sent to all (a page that does not keep up skips pushes: each one is
 * complete), a keep-alive comment every 15 s, and a timer that asks for a
 * push every `pushIntervalMs` only while a page is open.
 *
 * @module
 */

import { SECURITY_HEADERS } from "./_http.ts";

const encoder = new TextEncoder();
const HEARTBEAT_MS = 15_000;

/** Options of {@linkcode EventStream}. */
export interface EventStreamOptions {
  /** Shortest time between two pushes, milliseconds. */
  readonly pushIntervalMs: number;
  /** Asked every interval while a page is open, and (forced) when one connects. */
  tick(force: boolean): void;
}

interface Client {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
}

/** The open pages' event streams. */
export class EventStream {
  readonly #options: EventStreamOptions;
  readonly #clients = new Set<Client>();
  #ticker: ReturnType<typeof setInterval> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  /** Makes a stream with no page. */
  constructor(options: EventStreamOptions) {
    this.#options = options;
  }

  /** A page's stream, starting with `first` (an event's text) when given. */
  open(first: string | undefined): Response {
    let client: Client | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        client = { controller };
        this.#clients.add(client);
        controller.enqueue(encoder.encode("retry: 1000\n\n"));
        if (first !== undefined) controller.enqueue(encoder.encode(first));
        this.#startTimers();
        this.#options.tick(true);
      },
      cancel: () => {
        if (client !== undefined) this.#clients.delete(client);
        this.#stopTimersIfIdle();
      },
    });
    return new Response(stream, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "text/event-stream; charset=utf-8",
        "x-accel-buffering": "no",
      },
    });
  }

  /** Sends an event's text to every page that keeps up. */
  broadcast(text: string): void {
    const bytes = encoder.encode(text);
    for (const client of this.#clients) {
      // A page that does not keep up skips pushes: each one is complete.
      if ((client.controller.desiredSize ?? 1) <= 0) continue;
      try {
        client.controller.enqueue(bytes);
      } catch {
        this.#clients.delete(client);
      }
    }
  }

  /** Ends every page's stream and stops the timers. */
  close(): void {
    for (const client of this.#clients) {
      try {
        client.controller.close();
      } catch {
        // Already closed by the page.
      }
    }
    this.#clients.clear();
    this.#stopTimersIfIdle();
  }

  #startTimers(): void {
    this.#ticker ??= setInterval(() => this.#options.tick(false), this.#options.pushIntervalMs);
    this.#heartbeat ??= setInterval(() => this.broadcast(": keep-alive\n\n"), HEARTBEAT_MS);
  }

  #stopTimersIfIdle(): void {
    if (this.#clients.size > 0) return;
    clearInterval(this.#ticker);
    clearInterval(this.#heartbeat);
    this.#ticker = undefined;
    this.#heartbeat = undefined;
  }
}
