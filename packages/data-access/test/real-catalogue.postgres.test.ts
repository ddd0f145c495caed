import { dialects } from './dialects';
import { catalogueSuite } from './real-catalogue.suite';

catalogueSuite(dialects('real_catalogue')[1]!);
