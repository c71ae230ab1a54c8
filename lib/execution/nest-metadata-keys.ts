// Where Nest keeps parameter and exception-filter metadata. These are Nest's
// own exports, not copies of their strings; Nest does not re-export them from
// its package root, so the one deep import lives here.
export { EXCEPTION_FILTERS_METADATA, FILTER_CATCH_EXCEPTIONS, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
