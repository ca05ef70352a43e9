/** Where current weather comes from, what a provider throws, and the bits every provider shares. */
import { ProviderError } from '../../../shared/providers';

export interface WeatherReport {
  /** The resolved name, e.g. "New York". */
  city: string;
  country: string | null;
  latitude: number;
  longitude: number;
  temperature_c: number;
  apparent_temperature_c: number | null;
  humidity_percent: number | null;
  wind_speed_kmh: number | null;
  /** Human text from the WMO weather code, e.g. "partly cloudy". */
  conditions: string;
  /** ISO 8601, UTC. */
  observed_at: string;
  /** Where the numbers come from; says "sample data" for the offline provider. */
  source: string;
}

export interface WeatherProvider {
  readonly name: string;
  current(city: string): Promise<WeatherReport>;
  close?(): Promise<void>;
}

/** The provider failed, refused, or did not answer in time; `kind` tells whether a retry can help. */
export class WeatherProviderError extends ProviderError {
  override name = 'WeatherProviderError';
}

/** The provider answered, and it knows no such place: retrying will not help. */
export class UnknownCityError extends WeatherProviderError {
  override name = 'UnknownCity';
  constructor(message: string) {
    super(message, 'rejected');
  }
}

export const MAX_CITY_LENGTH = 100;

export interface CityQuery {
  /** The trimmed input, whitespace collapsed: "Paris, France". */
  text: string;
  /** The place itself: "Paris". */
  name: string;
  /** What follows the first comma, if anything: "France" (a country, code or region narrowing the name). */
  qualifier: string | null;
}

/** Place names: letters in any script, spaces, hyphens, apostrophes, dots, commas. Nothing that could be markup or a query. */
const CITY_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M} .,'’-]*$/u;

export function parseCity(input: unknown): CityQuery {
  const text = typeof input === 'string' ? input.trim().replace(/\s+/g, ' ') : '';
  if (text === '') throw new WeatherProviderError('the city name is empty', 'rejected');
  if (text.length > MAX_CITY_LENGTH) {
    throw new WeatherProviderError(
      `the city name is too long (${text.length} characters; at most ${MAX_CITY_LENGTH})`,
      'rejected',
    );
  }
  if (!CITY_PATTERN.test(text)) {
    throw new WeatherProviderError(
      `"${text}" is not a city name: use letters, spaces, hyphens, apostrophes, dots and commas only`,
      'rejected',
    );
  }
  const [name = '', ...rest] = text.split(',').map((part) => part.trim());
  if (name === '') throw new WeatherProviderError(`"${text}" does not start with a city name`, 'rejected');
  const qualifier = rest.filter((part) => part !== '').join(', ');
  return { text, name, qualifier: qualifier === '' ? null : qualifier };
}

/** For case- and accent-insensitive matching: "São Paulo" and "sao paulo" fold alike. */
export function foldName(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ').trim();
}

/** WMO weather interpretation codes, as Open-Meteo documents them (https://open-meteo.com/en/docs). */
const wmo: Record<number, string> = {
  0: 'clear sky',
  1: 'mainly clear',
  2: 'partly cloudy',
  3: 'overcast',
  45: 'fog',
  48: 'depositing rime fog',
  51: 'light drizzle',
  53: 'moderate drizzle',
  55: 'dense drizzle',
  56: 'light freezing drizzle',
  57: 'dense freezing drizzle',
  61: 'slight rain',
  63: 'moderate rain',
  65: 'heavy rain',
  66: 'light freezing rain',
  67: 'heavy freezing rain',
  71: 'slight snowfall',
  73: 'moderate snowfall',
  75: 'heavy snowfall',
  77: 'snow grains',
  80: 'slight rain showers',
  81: 'moderate rain showers',
  82: 'violent rain showers',
  85: 'slight snow showers',
  86: 'heavy snow showers',
  95: 'thunderstorm',
  96: 'thunderstorm with slight hail',
  99: 'thunderstorm with heavy hail',
};

export function wmoConditions(code: number): string {
  return wmo[code] ?? `unknown conditions (WMO code ${code})`;
}

/** One decimal at most: 12.34 → "12.3", 14 → "14". */
function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** "New York, United States: 12.3 °C (feels like 10.1 °C), partly cloudy, humidity 60%, wind 14 km/h — sample data" */
export function describeWeather(r: WeatherReport): string {
  const place = r.country ? `${r.city}, ${r.country}` : r.city;
  const feels = r.apparent_temperature_c === null ? '' : ` (feels like ${num(r.apparent_temperature_c)} °C)`;
  const parts = [`${num(r.temperature_c)} °C${feels}`, r.conditions];
  if (r.humidity_percent !== null) parts.push(`humidity ${Math.round(r.humidity_percent)}%`);
  if (r.wind_speed_kmh !== null) parts.push(`wind ${num(r.wind_speed_kmh)} km/h`);
  return `${place}: ${parts.join(', ')} — ${r.source}`;
}
