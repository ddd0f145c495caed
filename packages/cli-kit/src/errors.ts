import { TunekitError } from '@tunekit/core';

/** Reasons configuration loading and app plumbing can fail. */
export type CliErrorCode = 'CONFIG_NOT_FOUND' | 'CONFIG_SYNTAX' | 'CONFIG_INVALID' | 'BAD_ARGUMENT' | 'IO_FAILED';

/** The typed error of `@tunekit/cli-kit`. `context` holds file, line, column and key when known. */
export class CliError extends TunekitError<CliErrorCode> {}
