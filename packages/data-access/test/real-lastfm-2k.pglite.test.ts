import { dialects } from './dialects';
import { lastfm2kSuite } from './real-lastfm-2k.suite';

lastfm2kSuite(dialects('lastfm_2k')[0]!);
