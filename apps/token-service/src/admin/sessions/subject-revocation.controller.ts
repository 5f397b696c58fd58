import { Body, Controller, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { INTERNAL_API_PREFIX, SubjectRevocation } from '@tessera/contracts';
import { OAuthJsonFilter } from '../../http/oauth-json.filter';
import { InternalApiGuard } from '../../interaction/internal-api.guard';
import { SessionRevocation } from './session-revocation.service';
import { readInternalSubjectRevocation } from './subject.rule';

/**
 * For the login UI, which owns the user directory: when an administrator disables a person there,
 * `POST /internal/v1/subjects/{sub}/revoke` ends everything they hold here, the same way as the admin
 * API's `POST /sessions/revoke` (contracts SubjectRevocation).
 */
@Controller(`${INTERNAL_API_PREFIX}/subjects`)
@UseGuards(InternalApiGuard)
@UseFilters(OAuthJsonFilter)
export class SubjectRevocationController {
  constructor(private readonly revocation: SessionRevocation) {}

  @Post(':subject/revoke')
  @HttpCode(200)
  async revoke(@Param('subject') subject: string, @Body() body: unknown): Promise<SubjectRevocation> {
    const request = readInternalSubjectRevocation(subject, body);
    return this.revocation.revokeSubject(request.subject, request.actor);
  }
}
