// Public exports of the recurring-schedules feature.
export {};
