/**
 * The offline default: an embedded snapshot of made-up but plausible current weather for well-known cities, clearly
 * labelled as sample data so nobody mistakes it for a live report.
 */
import {
  foldName,
  parseCity,
  UnknownCityError,
  wmoConditions,
  type WeatherProvider,
  type WeatherReport,
} from './provider';

const SNAPSHOT_AT = '2026-11-22T12:00:00.000Z';
const SOURCE = 'sample data (offline; set WEATHER_PROVIDER=open-meteo for live weather)';

interface SampleCity {
  city: string;
  country: string;
  /** What may follow a comma and still mean this city: country codes, state or region. */
  also: string[];
  aliases?: string[];
  latitude: number;
  longitude: number;
  temperature_c: number;
  apparent_temperature_c: number;
  humidity_percent: number;
  wind_speed_kmh: number;
  weather_code: number;
}

const cities: SampleCity[] = [
  {
    city: 'New York',
    country: 'United States',
    also: ['US', 'USA', 'NY', 'New York'],
    aliases: ['New York City', 'NYC'],
    latitude: 40.71427,
    longitude: -74.00597,
    temperature_c: 8.4,
    apparent_temperature_c: 5.9,
    humidity_percent: 61,
    wind_speed_kmh: 12.2,
    weather_code: 3,
  },
  {
    city: 'London',
    country: 'United Kingdom',
    also: ['UK', 'GB', 'England'],
    latitude: 51.50853,
    longitude: -0.12574,
    temperature_c: 9.1,
    apparent_temperature_c: 6.8,
    humidity_percent: 82,
    wind_speed_kmh: 17.3,
    weather_code: 61,
  },
  {
    city: 'Paris',
    country: 'France',
    also: ['FR'],
    latitude: 48.85341,
    longitude: 2.3488,
    temperature_c: 10.2,
    apparent_temperature_c: 8.5,
    humidity_percent: 76,
    wind_speed_kmh: 11.5,
    weather_code: 2,
  },
  {
    city: 'Tokyo',
    country: 'Japan',
    also: ['JP'],
    latitude: 35.6895,
    longitude: 139.69171,
    temperature_c: 14.6,
    apparent_temperature_c: 13.2,
    humidity_percent: 55,
    wind_speed_kmh: 8.6,
    weather_code: 1,
  },
  {
    city: 'San Francisco',
    country: 'United States',
    also: ['US', 'USA', 'CA', 'California'],
    aliases: ['SF'],
    latitude: 37.77493,
    longitude: -122.41942,
    temperature_c: 13.8,
    apparent_temperature_c: 12.4,
    humidity_percent: 78,
    wind_speed_kmh: 15.1,
    weather_code: 45,
  },
  {
    city: 'Berlin',
    country: 'Germany',
    also: ['DE', 'Deutschland'],
    latitude: 52.52437,
    longitude: 13.41053,
    temperature_c: 4.7,
    apparent_temperature_c: 1.6,
    humidity_percent: 84,
    wind_speed_kmh: 14.4,
    weather_code: 3,
  },
  {
    city: 'Sydney',
    country: 'Australia',
    also: ['AU', 'NSW', 'New South Wales'],
    latitude: -33.86785,
    longitude: 151.20732,
    temperature_c: 23.9,
    apparent_temperature_c: 24.6,
    humidity_percent: 64,
    wind_speed_kmh: 18.7,
    weather_code: 0,
  },
  {
    city: 'Toronto',
    country: 'Canada',
    also: ['CA', 'ON', 'Ontario'],
    latitude: 43.70643,
    longitude: -79.39864,
    temperature_c: 2.3,
    apparent_temperature_c: -1.9,
    humidity_percent: 70,
    wind_speed_kmh: 19.8,
    weather_code: 71,
  },
  {
    city: 'Mumbai',
    country: 'India',
    also: ['IN', 'Maharashtra'],
    aliases: ['Bombay'],
    latitude: 19.07283,
    longitude: 72.88261,
    temperature_c: 31.2,
    apparent_temperature_c: 35.4,
    humidity_percent: 58,
    wind_speed_kmh: 9.4,
    weather_code: 1,
  },
  {
    city: 'São Paulo',
    country: 'Brazil',
    also: ['BR', 'Brasil', 'SP'],
    latitude: -23.5475,
    longitude: -46.63611,
    temperature_c: 24.5,
    apparent_temperature_c: 26.1,
    humidity_percent: 73,
    wind_speed_kmh: 7.9,
    weather_code: 80,
  },
  {
    city: 'Singapore',
    country: 'Singapore',
    also: ['SG'],
    latitude: 1.28967,
    longitude: 103.85007,
    temperature_c: 29.8,
    apparent_temperature_c: 34.7,
    humidity_percent: 81,
    wind_speed_kmh: 6.1,
    weather_code: 95,
  },
  {
    city: 'Madrid',
    country: 'Spain',
    also: ['ES', 'España'],
    latitude: 40.4165,
    longitude: -3.70256,
    temperature_c: 12.9,
    apparent_temperature_c: 11.6,
    humidity_percent: 57,
    wind_speed_kmh: 10.3,
    weather_code: 0,
  },
  {
    city: 'Chicago',
    country: 'United States',
    also: ['US', 'USA', 'IL', 'Illinois'],
    latitude: 41.85003,
    longitude: -87.65005,
    temperature_c: 1.4,
    apparent_temperature_c: -3.8,
    humidity_percent: 68,
    wind_speed_kmh: 24.5,
    weather_code: 3,
  },
  {
    city: 'Seattle',
    country: 'United States',
    also: ['US', 'USA', 'WA', 'Washington'],
    latitude: 47.60621,
    longitude: -122.33207,
    temperature_c: 7.6,
    apparent_temperature_c: 5.2,
    humidity_percent: 89,
    wind_speed_kmh: 11.9,
    weather_code: 53,
  },
  {
    city: 'Dubai',
    country: 'United Arab Emirates',
    also: ['AE', 'UAE'],
    latitude: 25.07725,
    longitude: 55.30927,
    temperature_c: 28.3,
    apparent_temperature_c: 29.9,
    humidity_percent: 47,
    wind_speed_kmh: 13.0,
    weather_code: 0,
  },
];

const byName = new Map<string, SampleCity>(
  cities.flatMap((c) => [c.city, ...(c.aliases ?? [])].map((name) => [foldName(name), c] as const)),
);

export const sampleCities: readonly string[] = cities.map((c) => c.city);

export class SampleWeatherProvider implements WeatherProvider {
  readonly name = 'sample';

  async current(input: string): Promise<WeatherReport> {
    const query = parseCity(input);
    const known = byName.get(foldName(query.name));
    // "Paris, Texas" is not the Paris we have.
    const fits =
      !query.qualifier ||
      (known && [known.country, ...known.also].some((q) => foldName(q) === foldName(query.qualifier!)));
    if (!known || !fits) {
      throw new UnknownCityError(
        `no sample weather for ${query.text}; the offline sample data covers ${sampleCities.join(', ')} ` +
          '(set WEATHER_PROVIDER=open-meteo for live weather)',
      );
    }
    return {
      city: known.city,
      country: known.country,
      latitude: known.latitude,
      longitude: known.longitude,
      temperature_c: known.temperature_c,
      apparent_temperature_c: known.apparent_temperature_c,
      humidity_percent: known.humidity_percent,
      wind_speed_kmh: known.wind_speed_kmh,
      conditions: wmoConditions(known.weather_code),
      observed_at: SNAPSHOT_AT,
      source: SOURCE,
    };
  }
}
