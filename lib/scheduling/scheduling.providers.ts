import type { Provider } from '@nestjs/common';

/** Providers of the recurring-schedules feature, added to TaskModule (filled in by the scheduling work). */
export const SCHEDULING_PROVIDERS: Provider[] = [];
