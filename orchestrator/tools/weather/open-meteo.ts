/**
 * Live weather from Open-Meteo (https://open-meteo.com/en/docs), no key needed. Two calls per report:
 *   GET {geocodingUrl}/v1/search?name=Berlin&count=1&language=en&format=json
 *     200 {"results": [{"name": "Berlin", "latitude": 52.52, "longitude": 13.41, "country": "Germany", ...}]}
 *     (no "results" key when nothing matches)
 *   GET {baseUrl}/v1/forecast?latitude=..&longitude=..&current=temperature_2m,...&wind_speed_unit=kmh&timezone=auto
 *     200 {"utc_offset_seconds": 3600, "current": {"time": "2026-11-22T10:15", "temperature_2m": 8.4, ...}}
 * Both answer a bad request with HTTP 400 {"error": true, "reason": "..."}.
 */
import { Agent, request } from 'undici';
import {
  foldName,
  parseCity,
  UnknownCityError,
  WeatherProviderError,
  wmoConditions,
  type CityQuery,
  type WeatherProvider,
  type WeatherReport,
} from './provider';

export interface OpenMeteoOptions {
  baseUrl: string;
  geocodingUrl: string;
  timeoutMs: number;
}

const CURRENT_FIELDS = 'temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,wind_speed_10m';

interface Place {
  name: string;
  country: string | null;
  latitude: number;
  longitude: number;
}

type Doc = Record<string, unknown>;

export class OpenMeteoWeatherProvider implements WeatherProvider {
  readonly name = 'open-meteo';
  // One pooled keep-alive agent per provider: the geocoding and forecast calls of report after report reuse connections.
  private readonly agent: Agent;
  private readonly host: string;

  constructor(private readonly opts: OpenMeteoOptions) {
    this.agent = new Agent({
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: opts.timeoutMs,
    });
    this.host = new URL(opts.baseUrl).host;
  }

  async current(input: string): Promise<WeatherReport> {
    const query = parseCity(input);
    // One deadline for both calls, so a report never takes longer than timeoutMs in all.
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    const place = await this.locate(query, signal);
    const url = new URL('/v1/forecast', this.opts.baseUrl);
    url.search = new URLSearchParams({
      latitude: String(place.latitude),
      longitude: String(place.longitude),
      current: CURRENT_FIELDS,
      wind_speed_unit: 'kmh',
      timezone: 'auto',
    }).toString();
    return this.report(place, await this.getJson(url, 'forecast', signal));
  }

  private async locate(query: CityQuery, signal: AbortSignal): Promise<Place> {
    const url = new URL('/v1/search', this.opts.geocodingUrl);
    // "Paris, Texas": search for "Paris" (the API matches names only) and keep the first hit the qualifier fits.
    url.search = new URLSearchParams({
      name: query.name,
      count: query.qualifier ? '10' : '1',
      language: 'en',
      format: 'json',
    }).toString();
    const doc = await this.getJson(url, 'geocoding', signal);
    if (doc.results !== undefined && !Array.isArray(doc.results))
      throw malformed('geocoding', '"results" is not a list');
    const results = ((doc.results ?? []) as unknown[]).filter((r): r is Doc => typeof r === 'object' && r !== null);
    const wanted = query.qualifier ? foldName(query.qualifier) : null;
    const hit = wanted
      ? results.find((r) =>
          ['country', 'country_code', 'admin1', 'admin2'].some((k) => {
            const v = r[k];
            return typeof v === 'string' && foldName(v) === wanted;
          }),
        )
      : results[0];
    if (!hit) throw new UnknownCityError(`Open-Meteo knows no place called ${query.text}`);
    const { name, latitude, longitude, country } = hit;
    if (typeof name !== 'string' || !isNumber(latitude) || !isNumber(longitude)) {
      throw malformed('geocoding', 'a result lacks its name or coordinates');
    }
    return { name, latitude, longitude, country: typeof country === 'string' ? country : null };
  }

  private report(place: Place, doc: Doc): WeatherReport {
    const current = doc.current as Doc | undefined;
    if (typeof current !== 'object' || current === null) throw malformed('forecast', 'no "current" object');
    const temperature = current.temperature_2m;
    if (!isNumber(temperature)) throw malformed('forecast', 'no current temperature');
    const observed_at = toUtc(current.time, doc.utc_offset_seconds);
    const code = current.weather_code;
    return {
      city: place.name,
      country: place.country,
      latitude: place.latitude,
      longitude: place.longitude,
      temperature_c: temperature,
      apparent_temperature_c: numberOrNull(current.apparent_temperature),
      humidity_percent: numberOrNull(current.relative_humidity_2m),
      wind_speed_kmh: numberOrNull(current.wind_speed_10m),
      conditions: isNumber(code) ? wmoConditions(code) : 'unknown conditions',
      observed_at,
      source: `Open-Meteo (${this.host}, observed ${observed_at})`,
    };
  }

  private async getJson(url: URL, what: string, signal: AbortSignal): Promise<Doc> {
    let status: number;
    let text: string;
    try {
      const res = await request(url, { dispatcher: this.agent, signal });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const e = err as { name?: string; code?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(e.code ?? '')) {
        throw new WeatherProviderError(`Open-Meteo did not answer within ${this.opts.timeoutMs} ms`, 'timeout');
      }
      throw new WeatherProviderError(`Open-Meteo is unreachable: ${e.code ?? (err as Error).message}`, 'unavailable');
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
    const reason = typeof doc === 'object' && doc !== null ? (doc as Doc).reason : undefined;
    if (status >= 500 || status === 429)
      throw new WeatherProviderError(`Open-Meteo ${what} answered HTTP ${status}`, 'unavailable');
    if (status !== 200 || (doc as Doc | undefined)?.error === true) {
      const why = typeof reason === 'string' ? reason : `HTTP ${status}`;
      throw new WeatherProviderError(`Open-Meteo refused the ${what} request: ${why}`, 'rejected');
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw malformed(what, 'the body is not a JSON object');
    return doc as Doc;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function malformed(what: string, detail: string): WeatherProviderError {
  return new WeatherProviderError(`Open-Meteo sent a malformed ${what} answer: ${detail}`, 'unavailable');
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function numberOrNull(v: unknown): number | null {
  return isNumber(v) ? v : null;
}

/** `current.time` is the place's local time without an offset ("2026-11-22T10:15"); the offset comes separately. */
function toUtc(time: unknown, offsetSeconds: unknown): string {
  if (typeof time !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(time) || !isNumber(offsetSeconds)) {
    throw malformed('forecast', 'no readable observation time');
  }
  const localAsUtc = Date.parse(`${time}Z`);
  if (Number.isNaN(localAsUtc)) throw malformed('forecast', `unreadable observation time ${time}`);
  return new Date(localAsUtc - offsetSeconds * 1000).toISOString();
}
