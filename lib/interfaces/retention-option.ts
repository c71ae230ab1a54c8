/** Per task or handler: `true` removes the finished task at once; otherwise how many to keep and for how long (ms). */
export type RemoveOption = boolean | { age?: number; count?: number };
