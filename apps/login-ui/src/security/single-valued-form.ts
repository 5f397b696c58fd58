import type { NextFunction, Request, Response } from 'express';

export class MalformedForm extends Error {
  constructor() { super('a form field was sent more than once'); }
}

/** Every field of our forms appears once; a repeated one (parsed as an array) is refused. */
export function singleValuedForm(req: Request, _res: Response, next: NextFunction): void {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && Object.values(body).some((v) => typeof v !== 'string')) {
    next(new MalformedForm());
    return;
  }
  next();
}
