// Hive Gateway settings for the benchmark; BENCH_DEDUP=1 turns inbound in-flight deduplication on.
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  inboundInflightRequestDeduplication: process.env.BENCH_DEDUP === '1',
  logging: 'error',
});
