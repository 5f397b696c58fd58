import type { NextFunction, Request, Response } from 'express';
import { ADMIN_API_PREFIX, INTERNAL_API_PREFIX } from '@tessera/contracts';
import { answerNotFound } from './not-found.filter';

/**
 * The token service answers on two listeners that share one Express app: the public one (the
 * protocol endpoints) and the internal one (the login/consent provider API and the admin API, bound
 * to loopback).
 * Each request is marked with the listener it arrived on, and this boundary lets through only the
 * routes that belong there, so an internal route can never be reached from the public port.
 */
export type ListenerName = 'public' | 'internal';
const LISTENER = Symbol('tessera.listener');

export function markListener(req: object, name: ListenerName): void {
  (req as Record<symbol, ListenerName>)[LISTENER] = name;
}

export function listenerOf(req: object): ListenerName | undefined {
  return (req as Record<symbol, ListenerName>)[LISTENER];
}

export function listenerBoundary(req: Request, res: Response, next: NextFunction): void {
  // Compare case-insensitively and on the decoded path: routing must not be the only gate.
  let path: string;
  try {
    path = decodeURIComponent(req.path).toLowerCase().replace(/\/{2,}/g, '/');
  } catch {
    res.status(400).json({ error: 'invalid_request', error_description: 'malformed path' });
    return;
  }
  if ((listenerOf(req) === 'internal') !== isInternalPath(path)) {
    answerNotFound(res);
    return;
  }
  next();
}

const ADMIN_API_ROOT = ADMIN_API_PREFIX.slice(0, ADMIN_API_PREFIX.lastIndexOf('/')); // '/admin/api', every version

/** Whether a decoded, lower-cased path belongs to the internal listener: the internal API and the admin API. */
export function isInternalPath(path: string): boolean {
  return path === INTERNAL_API_PREFIX || path.startsWith('/internal/') || path === ADMIN_API_ROOT || path.startsWith(`${ADMIN_API_ROOT}/`);
}
