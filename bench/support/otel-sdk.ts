import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Exports nothing: the cost measured is recording spans, not shipping them. */
class DiscardingSpanExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    done({ code: 0 });
  }

  async shutdown(): Promise<void> {}
}

/**
 * Registers an OpenTelemetry SDK as an app would (`npm run bench -- --otel`):
 * a tracer provider with the async-hooks context manager, the W3C propagator
 * and a batch span processor, and a meter provider exported every second.
 */
export function registerOtelSdk(): void {
  new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DiscardingSpanExporter())] }).register();
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 1_000 });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
}
