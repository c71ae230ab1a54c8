import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';

/**
 * Rethrows every error unchanged. A filter that handles an error stops Nest's
 * default exception handler from logging it with a stack trace; the sample's
 * interceptor already prints one line per failure. Rethrowing matters: a
 * filter that returned a value would turn the failure into a success.
 */
@Catch()
export class QuietFailuresFilter implements ExceptionFilter {
  catch(error: unknown, _host: ArgumentsHost): never {
    throw error;
  }
}
