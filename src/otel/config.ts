/**
 * Where OTLP traces go: --otlp-endpoint, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is, as
 * the spec says), else OTEL_EXPORTER_OTLP_ENDPOINT. --otlp-endpoint and the generic variable are a
 * collector's base URL (http://HOST:4318) to which the signal path /v1/traces is added.
 */
import { z } from 'zod';
import { parseOption } from '../validate.js';

export interface OtlpConfig {
  /** The URL spans are POSTed to. */
  url: string;
  from: '--otlp-endpoint' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_ENDPOINT';
}

const urlSchema = z
  .string()
  .max(2000, 'an OTLP endpoint is at most 2000 characters')
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'an OTLP/HTTP endpoint is an http:// or https:// URL, e.g. http://localhost:4318');

const withTracesPath = (base: string) => (/\/v1\/traces\/?$/.test(base) ? base : `${base.replace(/\/+$/, '')}/v1/traces`);

/** The endpoint from the flag or the environment; null when none is given (no traces are sent). */
export function otlpConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): OtlpConfig | null {
  if (flag !== undefined) return { url: withTracesPath(parseOption(urlSchema, flag, '--otlp-endpoint')), from: '--otlp-endpoint' };
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return { url: parseOption(urlSchema, traces, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), from: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' };
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base) return { url: withTracesPath(parseOption(urlSchema, base, 'OTEL_EXPORTER_OTLP_ENDPOINT')), from: 'OTEL_EXPORTER_OTLP_ENDPOINT' };
  return null;
}
