import type { NextFunction, Request, Response } from 'express';
import { INTERNAL_API_PREFIX } from '@tessera/contracts';
import { answerNotFound } from './not-found.filter';

/**
 * The token service answers on two listeners that share one Express app: the public one (the
 * protocol endpoints) and the internal one (the login/consent provider API, bound to loopback).
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
  const internalPath = path === INTERNAL_API_PREFIX || path.startsWith(`${INTERNAL_API_PREFIX}/`) || path.startsWith('/internal/');
  if ((listenerOf(req) === 'internal') !== internalPath) {
    answerNotFound(res);
    return;
  }
  next();
}
