/**
 * Where a Cluster announcing addresses this app cannot reach is mended. The CLI, which has no natMap,
 * rewords it (cli/library-errors.ts) by this text.
 */
export const NAT_MAP_ADVICE = 'map them with clusterOptions.natMap (see docs/cluster.md)';
