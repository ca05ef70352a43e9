/** The weather tool's provider, chosen by configuration: offline sample data by default, Open-Meteo when asked. */
import { OpenMeteoWeatherProvider } from './open-meteo';
import type { WeatherProvider } from './provider';
import { SampleWeatherProvider } from './sample';

export interface WeatherProviderConfig {
  provider: 'sample' | 'open-meteo';
  baseUrl: string;
  geocodingUrl: string;
  timeoutMs: number;
}

export function createWeatherProvider(cfg: WeatherProviderConfig): WeatherProvider {
  return cfg.provider === 'open-meteo'
    ? new OpenMeteoWeatherProvider({ baseUrl: cfg.baseUrl, geocodingUrl: cfg.geocodingUrl, timeoutMs: cfg.timeoutMs })
    : new SampleWeatherProvider();
}

export * from './provider';
export { OpenMeteoWeatherProvider, type OpenMeteoOptions } from './open-meteo';
export { SampleWeatherProvider, sampleCities } from './sample';
