import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWeatherProvider,
  describeWeather,
  OpenMeteoWeatherProvider,
  SampleWeatherProvider,
  UnknownCityError,
  WeatherProviderError,
  wmoConditions,
  type WeatherReport,
} from '../../orchestrator/tools/weather';
import { startOpenMeteoFake, type OpenMeteoFake } from '../fakes/open-meteo';

async function failure(attempt: Promise<unknown>): Promise<WeatherProviderError> {
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeatherProviderError);
  return err as WeatherProviderError;
}

describe('sample weather provider', () => {
  const sample = new SampleWeatherProvider();

  it('reports a known city, labelled as sample data', async () => {
    expect(await sample.current('New York')).toEqual({
      city: 'New York',
      country: 'United States',
      latitude: 40.71427,
      longitude: -74.00597,
      temperature_c: 8.4,
      apparent_temperature_c: 5.9,
      humidity_percent: 61,
      wind_speed_kmh: 12.2,
      conditions: 'overcast',
      observed_at: '2026-11-22T12:00:00.000Z',
      source: 'sample data (offline; set WEATHER_PROVIDER=open-meteo for live weather)',
    });
  });

  it('matches regardless of case, accents and spacing; a qualifier must fit', async () => {
    expect((await sample.current('  LONDON ')).city).toBe('London');
    expect((await sample.current('sao paulo')).city).toBe('São Paulo');
    expect((await sample.current('SÃO PAULO, Brazil')).city).toBe('São Paulo');
    expect((await sample.current('san  francisco, CA')).city).toBe('San Francisco');
    expect((await sample.current('NYC')).city).toBe('New York');
    await expect(sample.current('Paris, Texas')).rejects.toBeInstanceOf(UnknownCityError);
  });

  it('an unknown city is refused, listing the sample cities', async () => {
    const err = await failure(sample.current('Atlantis'));
    expect(err).toBeInstanceOf(UnknownCityError);
    expect(err.kind).toBe('rejected');
    expect(err.message).toMatch(
      /no sample weather for Atlantis; the offline sample data covers New York, London, Paris, .*Dubai/,
    );
    expect(err.message).toContain('WEATHER_PROVIDER=open-meteo');
  });

  it.each([
    ['', /the city name is empty/],
    ['   ', /the city name is empty/],
    ['a'.repeat(101), /too long \(101 characters; at most 100\)/],
    ['<script>', /is not a city name/],
    ['Paris; DROP TABLE', /is not a city name/],
    ['12345', /is not a city name/],
    [', France', /is not a city name/],
  ])('invalid input %j is rejected', async (input, message) => {
    const err = await failure(sample.current(input));
    expect(err).not.toBeInstanceOf(UnknownCityError);
    expect(err.kind).toBe('rejected');
    expect(err.message).toMatch(message);
  });

  it('createWeatherProvider picks the configured provider', async () => {
    const cfg = {
      baseUrl: 'https://api.open-meteo.com',
      geocodingUrl: 'https://geocoding-api.open-meteo.com',
      timeoutMs: 1000,
    };
    expect(createWeatherProvider({ ...cfg, provider: 'sample' })).toBeInstanceOf(SampleWeatherProvider);
    const live = createWeatherProvider({ ...cfg, provider: 'open-meteo' });
    expect(live).toBeInstanceOf(OpenMeteoWeatherProvider);
    await live.close?.();
  });
});

describe('Open-Meteo weather provider (against a fake speaking its format)', () => {
  let fake: OpenMeteoFake;
  let provider: OpenMeteoWeatherProvider;

  beforeAll(async () => {
    fake = await startOpenMeteoFake();
    provider = new OpenMeteoWeatherProvider({ baseUrl: fake.url, geocodingUrl: fake.url, timeoutMs: 300 });
  });
  afterAll(async () => {
    await provider?.close();
    await fake?.close();
  });

  it('geocodes, then reads current conditions, with the observation time in UTC', async () => {
    fake.mode = 'ok';
    const before = fake.requests.length;
    expect(await provider.current('New York')).toEqual({
      city: 'New York',
      country: 'United States',
      latitude: 40.71427,
      longitude: -74.00597,
      temperature_c: 8.4,
      apparent_temperature_c: 5.9,
      humidity_percent: 61,
      wind_speed_kmh: 12.2,
      conditions: 'overcast',
      observed_at: '2026-11-22T15:15:00.000Z',
      source: `Open-Meteo (${new URL(fake.url).host}, observed 2026-11-22T15:15:00.000Z)`,
    });
    const [search, forecast] = fake.requests.slice(before).map((r) => new URL(r.url, 'http://x'));
    expect(search?.pathname).toBe('/v1/search');
    expect(Object.fromEntries(search!.searchParams)).toEqual({
      name: 'New York',
      count: '1',
      language: 'en',
      format: 'json',
    });
    expect(forecast?.pathname).toBe('/v1/forecast');
    expect(Object.fromEntries(forecast!.searchParams)).toEqual({
      latitude: '40.71427',
      longitude: '-74.00597',
      current: 'temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,wind_speed_10m',
      wind_speed_unit: 'kmh',
      timezone: 'auto',
    });
  });

  it('a positive UTC offset goes the other way', async () => {
    fake.mode = 'ok';
    expect(await provider.current('berlin')).toMatchObject({
      city: 'Berlin',
      observed_at: '2026-11-22T15:15:00.000Z',
      conditions: 'slight rain',
    });
  });

  it('a qualifier after a comma picks among places of the same name', async () => {
    fake.mode = 'ok';
    expect(await provider.current('Paris')).toMatchObject({ country: 'France' });
    expect(await provider.current('Paris, Texas')).toMatchObject({
      country: 'United States',
      observed_at: '2026-11-22T15:15:00.000Z',
    });
    const search = new URL(fake.requests.at(-2)!.url, 'http://x');
    expect(Object.fromEntries(search.searchParams)).toMatchObject({ name: 'Paris', count: '10' });
    await expect(provider.current('Paris, Japan')).rejects.toBeInstanceOf(UnknownCityError);
  });

  it('no geocoding results means an unknown city, and no forecast call', async () => {
    fake.mode = 'ok';
    const before = fake.requests.length;
    const err = await failure(provider.current('Atlantis'));
    expect(err).toBeInstanceOf(UnknownCityError);
    expect(err.kind).toBe('rejected');
    expect(err.message).toBe('Open-Meteo knows no place called Atlantis');
    expect(fake.requests.length - before).toBe(1);
  });

  it('invalid input never reaches the API', async () => {
    const before = fake.requests.length;
    expect((await failure(provider.current('../../etc/passwd'))).kind).toBe('rejected');
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    ['error400', 'rejected', 'Open-Meteo refused the geocoding request: Parameter count must be between 1 and 100.'],
    ['error500', 'unavailable', 'Open-Meteo geocoding answered HTTP 500'],
    ['slow', 'timeout', 'Open-Meteo did not answer within 300 ms'],
    ['garbage', 'unavailable', 'Open-Meteo sent a malformed geocoding answer: the body is not a JSON object'],
  ] as const)('%s becomes a WeatherProviderError of kind %s', async (mode, kind, message) => {
    fake.mode = mode;
    const err = await failure(provider.current('New York'));
    expect(err).not.toBeInstanceOf(UnknownCityError);
    expect(err.kind).toBe(kind);
    expect(err.message).toBe(message);
  });

  it('the provider keeps working once the service recovers', async () => {
    fake.mode = 'ok';
    expect((await provider.current('New York')).temperature_c).toBe(8.4);
  });

  it('an unreachable service is unavailable', async () => {
    const dead = new OpenMeteoWeatherProvider({
      baseUrl: 'http://127.0.0.1:1',
      geocodingUrl: 'http://127.0.0.1:1',
      timeoutMs: 1000,
    });
    try {
      const err = await failure(dead.current('New York'));
      expect(err.kind).toBe('unavailable');
      expect(err.message).toMatch(/^Open-Meteo is unreachable: /);
    } finally {
      await dead.close();
    }
  });
});

describe('describeWeather and wmoConditions', () => {
  const report: WeatherReport = {
    city: 'New York',
    country: 'United States',
    latitude: 40.71,
    longitude: -74.01,
    temperature_c: 12.3,
    apparent_temperature_c: 10.1,
    humidity_percent: 60,
    wind_speed_kmh: 14,
    conditions: 'partly cloudy',
    observed_at: '2026-11-22T15:15:00.000Z',
    source: 'sample data',
  };

  it('says it in one line', () => {
    expect(describeWeather(report)).toBe(
      'New York, United States: 12.3 °C (feels like 10.1 °C), partly cloudy, humidity 60%, wind 14 km/h — sample data',
    );
  });

  it('leaves out what is unknown', () => {
    expect(
      describeWeather({
        ...report,
        country: null,
        apparent_temperature_c: null,
        humidity_percent: null,
        wind_speed_kmh: null,
        temperature_c: -0.04,
      }),
    ).toBe('New York: 0 °C, partly cloudy — sample data');
  });

  it.each([
    [0, 'clear sky'],
    [1, 'mainly clear'],
    [2, 'partly cloudy'],
    [3, 'overcast'],
    [45, 'fog'],
    [48, 'depositing rime fog'],
    [53, 'moderate drizzle'],
    [56, 'light freezing drizzle'],
    [65, 'heavy rain'],
    [67, 'heavy freezing rain'],
    [75, 'heavy snowfall'],
    [77, 'snow grains'],
    [81, 'moderate rain showers'],
    [86, 'heavy snow showers'],
    [95, 'thunderstorm'],
    [99, 'thunderstorm with heavy hail'],
    [42, 'unknown conditions (WMO code 42)'],
  ])('WMO code %d is %s', (code, text) => {
    expect(wmoConditions(code)).toBe(text);
  });
});
