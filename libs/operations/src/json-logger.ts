import type { LoggerService, LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

/** Where log lines go: one complete JSON document per call, without the newline. */
export type LogSink = (line: string) => void;

export type LogFields = Record<string, string | number | boolean | undefined>;

const LEVEL_NAMES: Record<LogLevel, string> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

// Defence in depth behind "never pass a secret to the logger": a JWT that slips into a message
// (an exception quoting its input, say) is cut to its shape. RFC 7519 §3: three base64url parts,
// the first a JSON object, so it starts with `eyJ`.
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g;

/**
 * Nest's LoggerService writing one JSON line per event: `time`, `level`, `msg`, `context`, plus
 * the fields an event carries (`requestId`, `status`…). Nothing is serialised that the caller did
 * not name: no request object, no headers, no body.
 *
 * @example
 * ```ts
 * const logger = new JsonLogger({ service: 'token-service' });
 * const app = await NestFactory.create(AppModule, { logger });
 * logger.event('info', 'request', 'Http', { requestId, status: 200 });
 * // {"time":"2025-01-01T00:00:00.000Z","level":"info","msg":"request","context":"Http","service":"token-service","requestId":"…","status":200}
 * ```
 */
export class JsonLogger implements LoggerService {
  private readonly write: LogSink;
  private readonly service?: string;
  private readonly now: () => Date;
  private levels: Set<LogLevel>;

  constructor(options: { service?: string; sink?: LogSink; levels?: LogLevel[]; now?: () => Date } = {}) {
    this.write = options.sink ?? ((line) => process.stdout.write(`${line}\n`));
    this.service = options.service;
    this.now = options.now ?? (() => new Date());
    this.levels = new Set(options.levels ?? ['log', 'warn', 'error', 'fatal']);
  }

  log(message: unknown, ...params: unknown[]): void { this.nest('log', message, params); }
  warn(message: unknown, ...params: unknown[]): void { this.nest('warn', message, params); }
  debug(message: unknown, ...params: unknown[]): void { this.nest('debug', message, params); }
  verbose(message: unknown, ...params: unknown[]): void { this.nest('verbose', message, params); }
  fatal(message: unknown, ...params: unknown[]): void { this.nest('fatal', message, params); }

  /** Nest calls `error(message, stack?, context?)`; the stack is kept as its own field. */
  error(message: unknown, ...params: unknown[]): void {
    const strings = params.filter((p): p is string => typeof p === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = strings.length > 1 ? strings[0] : undefined;
    this.emit('error', text(message), context, stack === undefined ? {} : { stack });
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }

  /** A structured event with fields of its own, such as an access line. */
  event(level: LogLevel, msg: string, context: string, fields: LogFields = {}): void {
    this.emit(level, msg, context, fields);
  }

  private nest(level: LogLevel, message: unknown, params: unknown[]): void {
    const last = params[params.length - 1];
    this.emit(level, text(message), typeof last === 'string' ? last : undefined, {});
  }

  private emit(level: LogLevel, msg: string, context: string | undefined, fields: LogFields): void {
    if (!this.levels.has(level)) return;
    const line: Record<string, unknown> = { time: this.now().toISOString(), level: LEVEL_NAMES[level], msg, context };
    if (this.service !== undefined) line.service = this.service;
    const requestId = currentRequestId();
    if (requestId !== undefined) line.requestId = requestId;
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && !(key in line)) line[key] = value;
    }
    this.write(JSON.stringify(line).replace(JWT_LIKE, '[redacted-jwt]'));
  }
}

function text(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  try {
    return JSON.stringify(message) ?? String(message);
  } catch {
    return String(message);
  }
}
