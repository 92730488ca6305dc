/**
 * Sessions of the operator dashboard. Logging in trades the operator key for a random session id, sent
 * back as an HttpOnly, SameSite=Strict cookie scoped to `/dashboard`: page scripts cannot read it, other
 * sites cannot send it, and the key never appears in a URL, a page or browser storage. The key itself
 * stays here, in this process's memory, because every read the dashboard makes goes through the API's own
 * routes with it (same authentication, rate limit, validation and forwarding as a client's read).
 *
 * Sessions live in one process: behind a load balancer the dashboard needs sticky sessions (or a log in per
 * instance). Keeping keys out of Redis was preferred to sharing them.
 */
import { randomBytes } from 'node:crypto';

/** The cookie's name. */
export const SESSION_COOKIE = 'tstreams_dashboard';
/** Default idle lifetime of a session. */
export const SESSION_IDLE_MS = 8 * 3_600_000;

/** What a session holds. */
export interface DashboardSession {
  /** The operator key, to call the API's routes on the operator's behalf. */
  readonly apiKey: string;
  /** The key's name, shown on the page. */
  readonly name: string;
  expiresAt: number;
}

/** In-memory sessions by id, expiring after {@link SESSION_IDLE_MS} without use. */
export class DashboardSessions {
  readonly #byId = new Map<string, DashboardSession>();
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor(options: { idleMs?: number; now?: () => number } = {}) {
    this.#idleMs = options.idleMs ?? SESSION_IDLE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Opens a session for a checked operator key; returns its id. */
  open(apiKey: string, name: string): string {
    this.#sweep();
    const id = randomBytes(32).toString('base64url');
    this.#byId.set(id, { apiKey, name, expiresAt: this.#now() + this.#idleMs });
    return id;
  }

  /** The live session of `id` (its lifetime extended), or undefined. */
  find(id: string | undefined): DashboardSession | undefined {
    if (id === undefined) return undefined;
    const session = this.#byId.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#byId.delete(id);
      return undefined;
    }
    session.expiresAt = this.#now() + this.#idleMs;
    return session;
  }

  /** Ends a session (log out). */
  close(id: string | undefined): void {
    if (id !== undefined) this.#byId.delete(id);
  }

  /** Sessions held now. */
  get size(): number {
    return this.#byId.size;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, session] of this.#byId) if (session.expiresAt <= now) this.#byId.delete(id);
  }
}

/** The session id in a `Cookie` header, if any. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

/** The `Set-Cookie` value that stores `id` (or, with `undefined`, clears the cookie). */
export function sessionCookie(id: string | undefined, secure: boolean): string {
  const attributes = ['Path=/dashboard', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  if (id === undefined) return [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ');
  return [`${SESSION_COOKIE}=${id}`, ...attributes].join('; ');
}
