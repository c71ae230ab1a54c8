// Where Nest keeps parameter and exception-filter metadata, and the mark of
// an entry provider. These are Nest's own exports, not copies of their
// strings; Nest does not re-export them from its package root, so the one
// deep import lives here.
export { ENTRY_PROVIDER_WATERMARK, EXCEPTION_FILTERS_METADATA, FILTER_CATCH_EXCEPTIONS, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
