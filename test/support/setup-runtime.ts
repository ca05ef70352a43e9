// Each test process: Temporal SDK logs at WARN and above only, so test output stays readable.
import { createLogger } from '../../shared/logger';
import { installTemporalRuntime } from '../../shared/temporal/runtime';

installTemporalRuntime(createLogger('temporal-sdk', 'warn'), 'WARN');
