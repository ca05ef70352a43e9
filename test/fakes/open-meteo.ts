/**
 * A local stand-in for Open-Meteo serving both APIs on one port, in their real formats: geocoding (/v1/search, no
 * "results" key when nothing matches) and forecast (/v1/forecast, local time plus utc_offset_seconds), errors as HTTP
 * 400 {"error": true, "reason": ...}. Modes break every answer: a 400, a 500, a late answer, a body that is not JSON.
 */
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export type OpenMeteoMode = 'ok' | 'error400' | 'error500' | 'slow' | 'garbage';

export interface OpenMeteoFake extends HttpFake {
  mode: OpenMeteoMode;
  /** How late 'slow' answers. */
  slowMs: number;
}

interface FakePlace {
  id: number;
  name: string;
  latitude: number;
  longitude: number;
  country: string;
  country_code: string;
  admin1: string;
  timezone: string;
  timezone_abbreviation: string;
  utc_offset_seconds: number;
  current: {
    time: string;
    temperature_2m: number;
    relative_humidity_2m: number;
    apparent_temperature: number;
    weather_code: number;
    wind_speed_10m: number;
  };
}

export const fakePlaces: FakePlace[] = [
  {
    id: 5128581,
    name: 'New York',
    latitude: 40.71427,
    longitude: -74.00597,
    country: 'United States',
    country_code: 'US',
    admin1: 'New York',
    timezone: 'America/New_York',
    timezone_abbreviation: 'EST',
    utc_offset_seconds: -18000,
    current: {
      time: '2026-11-22T10:15',
      temperature_2m: 8.4,
      relative_humidity_2m: 61,
      apparent_temperature: 5.9,
      weather_code: 3,
      wind_speed_10m: 12.2,
    },
  },
  {
    id: 2950159,
    name: 'Berlin',
    latitude: 52.52437,
    longitude: 13.41053,
    country: 'Germany',
    country_code: 'DE',
    admin1: 'Land Berlin',
    timezone: 'Europe/Berlin',
    timezone_abbreviation: 'CET',
    utc_offset_seconds: 3600,
    current: {
      time: '2026-11-22T16:15',
      temperature_2m: 4.7,
      relative_humidity_2m: 84,
      apparent_temperature: 1.6,
      weather_code: 61,
      wind_speed_10m: 14.4,
    },
  },
  {
    id: 2988507,
    name: 'Paris',
    latitude: 48.85341,
    longitude: 2.3488,
    country: 'France',
    country_code: 'FR',
    admin1: 'Île-de-France',
    timezone: 'Europe/Paris',
    timezone_abbreviation: 'CET',
    utc_offset_seconds: 3600,
    current: {
      time: '2026-11-22T16:15',
      temperature_2m: 10.2,
      relative_humidity_2m: 76,
      apparent_temperature: 8.5,
      weather_code: 2,
      wind_speed_10m: 11.5,
    },
  },
  {
    id: 4717560,
    name: 'Paris',
    latitude: 33.66094,
    longitude: -95.55551,
    country: 'United States',
    country_code: 'US',
    admin1: 'Texas',
    timezone: 'America/Chicago',
    timezone_abbreviation: 'CST',
    utc_offset_seconds: -21600,
    current: {
      time: '2026-11-22T09:15',
      temperature_2m: 15.1,
      relative_humidity_2m: 70,
      apparent_temperature: 14.8,
      weather_code: 0,
      wind_speed_10m: 9.0,
    },
  },
];

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export async function startOpenMeteoFake(): Promise<OpenMeteoFake> {
  const fake = (await startHttpFake(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    switch (fake.mode) {
      case 'error400':
        return sendJson(res, 400, { error: true, reason: 'Parameter count must be between 1 and 100.' });
      case 'error500':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      case 'garbage':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fake.slowMs));
        if (res.destroyed) return; // the client gave up, or the fake closed
        break;
      case 'ok':
        break;
    }
    if (url.pathname === '/v1/search') {
      const name = q.get('name') ?? '';
      const count = Number(q.get('count') ?? '10');
      const hits = fakePlaces.filter((p) => name.length >= 2 && fold(p.name) === fold(name)).slice(0, count);
      if (hits.length === 0) return sendJson(res, 200, { generationtime_ms: 0.4 });
      return sendJson(res, 200, {
        results: hits.map(
          ({ current: _current, utc_offset_seconds: _offset, timezone_abbreviation: _abbr, ...place }) => ({
            ...place,
            elevation: 10,
            feature_code: 'PPLC',
            population: 1_000_000,
          }),
        ),
        generationtime_ms: 0.5,
      });
    }
    if (url.pathname === '/v1/forecast') {
      const lat = Number(q.get('latitude'));
      const lon = Number(q.get('longitude'));
      const place = fakePlaces.find((p) => Math.abs(p.latitude - lat) < 0.01 && Math.abs(p.longitude - lon) < 0.01);
      if (!place || q.get('current') === null) {
        return sendJson(res, 400, { error: true, reason: 'Latitude must be in range of -90 to 90°. Given: NaN.' });
      }
      return sendJson(res, 200, {
        latitude: Math.round(place.latitude * 100) / 100,
        longitude: Math.round(place.longitude * 100) / 100,
        generationtime_ms: 0.05,
        utc_offset_seconds: place.utc_offset_seconds,
        timezone: place.timezone,
        timezone_abbreviation: place.timezone_abbreviation,
        elevation: 10,
        current_units: {
          time: 'iso8601',
          interval: 'seconds',
          temperature_2m: '°C',
          relative_humidity_2m: '%',
          apparent_temperature: '°C',
          weather_code: 'wmo code',
          wind_speed_10m: 'km/h',
        },
        current: { ...place.current, interval: 900 },
      });
    }
    sendJson(res, 404, { error: true, reason: 'Not Found' });
  })) as OpenMeteoFake;
  fake.mode = 'ok';
  fake.slowMs = 2000;
  return fake;
}
