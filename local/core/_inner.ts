/**
 * The shape in which the router hands a request to an emulator that runs in
 * this process (no inner port) and gets its answer back.
 *
 * @module
 */

/** A request as the router passes it to an in-process emulator. */
export interface InnerRequest {
  /** HTTP method in upper case. */
  readonly method: string;
  /** Path and query string, exactly as the client sent them. */
  readonly url: string;
  /** Request headers with lower-case names. */
  readonly headers: Record<string, string>;
  /** The whole request body (empty for none). */
  readonly body: Uint8Array;
}

/** An emulator's answer. */
export interface InnerResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Response headers with lower-case names. */
  readonly headers: Record<string, string>;
  /** The whole response body. */
  readonly body: Uint8Array;
}

/** An emulator that runs in this process. */
export interface InnerService {
  /** Answers one request. */
  handle(request: InnerRequest): Promise<InnerResponse>;
  /** Stops the emulator and releases its files; resolves when it is done. */
  close(): Promise<void>;
}
