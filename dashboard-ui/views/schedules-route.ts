// Where the schedules page is, as the hash holds it: `#/schedules?offset=`.

/** Where the schedules page is. */
export interface SchedulesRoute {
  offset: number;
}

/** The schedules page's route from the hash's query; an offset that is not a whole number is read as 0, not sent to be refused at every poll. */
export function parseSchedulesRoute(query: string): SchedulesRoute {
  const offset = Number(new URLSearchParams(query).get('offset') ?? 0);
  return { offset: Number.isInteger(offset) && offset > 0 ? offset : 0 };
}

/** The hash of the schedules page (offset 0 left out). */
export function schedulesHash(r: SchedulesRoute): string {
  return r.offset > 0 ? `#/schedules?offset=${r.offset}` : '#/schedules';
}
